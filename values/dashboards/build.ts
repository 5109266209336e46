// Builds the seed profiles' own dashboards (values/dashboards/<profile>/*.ts, made with the
// generator's kit) and writes each as JSON into its profile, at
// grafana.userDashboards.<name>.json: the public path any user's dashboard JSON takes, so
// `helm install -f values/<profile>.yaml` alone brings the profile's dashboards. Only that
// scalar's text is replaced; the rest of the hand-written profile is left byte for byte.
// Run by `make generate` before the chart is generated.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isScalar, LineCounter, parseDocument } from "yaml";
import { dashboardProblems } from "../../generator/src/dashboards/check.js";
import type { DashboardDefinition } from "../../generator/src/dashboards/kit.js";
import { toSortedJson } from "../../generator/src/chart/serialize.js";
import { gorax } from "./gorax/gorax.js";
import { jobpilot } from "./jobpilot/jobpilot.js";
import { raspberryPi } from "./raspberry-pi/raspberry-pi.js";
import { slurmExporter } from "./slurm-exporter/slurm-exporter.js";

/** Each profile (values/<profile>.yaml) and the dashboards it carries. */
export const profileDashboards: Record<string, DashboardDefinition[]> = {
  gorax: [gorax],
  jobpilot: [jobpilot],
  "raspberry-pi": [raspberryPi],
  "slurm-exporter": [slurmExporter],
};

/** The dashboard as a YAML block scalar whose lines start at `indent` spaces. */
function blockScalar(json: string, indent: number): string {
  const pad = " ".repeat(indent);
  return `|\n${json.trimEnd().split("\n").map((line) => pad + line).join("\n")}\n`;
}

/** The profile text with each dashboard's JSON in place; the key must exist (any value). */
export function withDashboards(file: string, text: string, definitions: DashboardDefinition[]): string {
  const problems: string[] = [];
  // Replaced from the end, so earlier offsets stay valid.
  const edits: Array<{ from: number; to: number; text: string }> = [];
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, keepSourceTokens: true });
  for (const definition of definitions) {
    const path = ["grafana", "userDashboards", definition.name, "json"];
    const dashboard = definition.build();
    problems.push(...dashboardProblems(definition.name, dashboard));
    const pair = (document.getIn(path.slice(0, -1), true) as { items?: Array<{ key: unknown; value: unknown }> } | undefined)?.items?.find((p) => isScalar(p.key) && p.key.value === "json");
    if (!pair || !isScalar(pair.key) || !isScalar(pair.value) || !pair.value.range) {
      problems.push(`${file}: add grafana.userDashboards.${definition.name}.json (any value, e.g. "{}") where the dashboard should go`);
      continue;
    }
    const keyColumn = lineCounter.linePos(pair.key.range![0]).col - 1;
    edits.push({ from: pair.value.range[0], to: pair.value.range[1], text: blockScalar(toSortedJson(dashboard), keyColumn + 2) });
  }
  if (problems.length > 0) throw new Error(`${problems.length} problem(s) in the dashboards of ${file}:\n  ${problems.join("\n  ")}`);
  let result = text;
  for (const edit of edits.sort((a, b) => b.from - a.from)) {
    // A block scalar's range ends after its last line break; a flow scalar's does not.
    const end = result[edit.to - 1] === "\n" || result[edit.to] !== "\n" ? edit.to : edit.to + 1;
    result = result.slice(0, edit.from) + edit.text + result.slice(end);
  }
  return result;
}

function main(): void {
  const valuesDir = process.argv[2] ?? "values";
  for (const [profile, definitions] of Object.entries(profileDashboards)) {
    const file = join(valuesDir, `${profile}.yaml`);
    const text = readFileSync(file, "utf8");
    const updated = withDashboards(file, text, definitions);
    if (updated !== text) writeFileSync(file, updated);
  }
}

if (process.argv[1]?.endsWith("build.js")) main();
