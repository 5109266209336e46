// Grafana dashboards of a profile: the general ones it switches on where nothing renders them,
// and its own (grafana.userDashboards): JSON that parses and looks like a Grafana dashboard,
// reported at the place in the profile where the JSON goes wrong.
import type { PromstackValues } from "../types/values.js";
import type { Findings } from "./findings.js";
import { hasPath } from "./source.js";

/** Line and column (1-based) of an offset in a text. */
function lineAndColumnAt(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, col: before[before.length - 1]!.length + 1 };
}

/** Where JSON.parse stopped: V8 names the offset ("at position 42"), or the end of the text. */
function errorOffset(message: string, text: string): number {
  const match = /at position (\d+)/.exec(message);
  return match ? Number(match[1]) : text.length;
}

function checkUserDashboardJson(name: string, json: string, findings: Findings): void {
  const segments = ["grafana", "userDashboards", name, "json"];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    // V8 also appends "(line L column C)" of the JSON text: the position below replaces it.
    const message = (error as Error).message.replace(/ \(line \d+ column \d+\)$/, "");
    const { line, col } = lineAndColumnAt(json, errorOffset(message, json));
    findings.addInString("error", segments, `dashboard "${name}" is not JSON: ${message}`, line, col);
    return;
  }
  const dashboard = parsed as Record<string, unknown> | null;
  const missing: string[] = [];
  if (dashboard === null || typeof dashboard !== "object" || Array.isArray(dashboard)) {
    findings.add("error", segments, `dashboard "${name}" is JSON but not a Grafana dashboard: expected an object with a title and panels or rows`);
    return;
  }
  if (typeof dashboard.title !== "string" || dashboard.title === "") missing.push("a title");
  if (!Array.isArray(dashboard.panels) && !Array.isArray(dashboard.rows)) missing.push("panels or rows");
  if (missing.length > 0) findings.add("error", segments, `dashboard "${name}" is JSON but not a Grafana dashboard: it lacks ${missing.join(" and ")}`);
}

export function checkDashboards(values: PromstackValues, findings: Findings): void {
  const grafana = values.grafana;
  const general = grafana?.dashboards ?? {};
  const user = grafana?.userDashboards ?? {};
  for (const [name, dashboard] of Object.entries(user)) {
    if (name in general) findings.add("error", ["grafana", "userDashboards", name], `"${name}" is the name of a general dashboard (grafana.dashboards.${name}); give yours another name`, ["grafana", "userDashboards", name], true);
    if (typeof dashboard?.json === "string") checkUserDashboardJson(name, dashboard.json, findings);
  }
  // Without a Grafana of this release nothing mounts an existing ConfigMap: the other Grafana's sidecar must find it.
  if (grafana?.enabled && grafana.deploy === false) {
    for (const [name, dashboard] of Object.entries(user)) {
      if (dashboard?.existingConfigMap) findings.add("warning", ["grafana", "userDashboards", name, "existingConfigMap"], `with grafana.deploy: false nothing mounts ConfigMap ${dashboard.existingConfigMap}: label it grafana_dashboard: "1" so your Grafana's sidecar finds it`);
    }
  }
  if (grafana?.enabled) return;
  // The general dashboards are on by default: only those the profile itself names are worth a warning.
  const named = [
    ...Object.entries(general).filter(([name, dashboard]) => dashboard?.enabled && hasPath(findings.source, ["grafana", "dashboards", name])).map(([name]) => ["dashboards", name]),
    ...Object.keys(user).map((name) => ["userDashboards", name]),
  ];
  for (const [key, name] of named) findings.add("warning", ["grafana", key!, name!], `dashboard "${name}" is not rendered while grafana.enabled is false (set grafana.deploy: false to render only the dashboard ConfigMaps)`);
}
