// Did a notification carry the chart's templates, rendered? The expected text of each
// templated field is rendered by amtool (`amtool template render`, the same template engine as
// Alertmanager) from the chart's template files and the alert group as Alertmanager holds it,
// and compared with what the sink received.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { run, tools } from "../helpers/tools.js";
import type { Arrival } from "./sinks.js";

/** template.Data as Alertmanager passes it to a notifier. */
export interface TemplateData {
  receiver: string;
  status: "firing" | "resolved";
  alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string; fingerprint: string }>;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
}

interface FieldCheck {
  field: string;
  actual: string | undefined;
  template: string;
  type: "text" | "html";
}

/** The config of integration `index` of `receiver` (same enumeration as deliveries.ts). */
function integrationConfig(renderedConfig: string, receiver: string, index: number): { key: string; item: Record<string, unknown> } {
  const config = parse(renderedConfig) as { receivers?: Array<Record<string, unknown>> };
  const found = (config.receivers ?? []).find((r) => r["name"] === receiver) ?? {};
  const all = Object.entries(found)
    .filter(([key]) => key !== "name")
    .flatMap(([key, list]) => (list as Array<Record<string, unknown>>).map((item) => ({ key, item })));
  const picked = all[index];
  if (!picked) throw new Error(`receiver ${receiver} has no integration #${index}`);
  return picked;
}

/** The templated fields of an arrival, with the template text the rendered config gives each. */
function templatedFields(renderedConfig: string, arrival: Arrival): FieldCheck[] {
  const { item } = integrationConfig(renderedConfig, arrival.receiver, arrival.index);
  const checks: FieldCheck[] = [];
  const add = (field: string, actual: string | undefined, template: unknown, type: "text" | "html" = "text"): void => {
    if (typeof template === "string") checks.push({ field, actual, template, type });
  };
  const json = arrival.json ?? {};
  if (arrival.kind === "slack") {
    const attachment = ((json["attachments"] as Array<Record<string, string>> | undefined) ?? [])[0] ?? {};
    add("slack title", attachment["title"], item["title"]);
    add("slack text", attachment["text"], item["text"]);
    add("slack color", attachment["color"], item["color"]);
  } else if (arrival.kind === "pagerduty") {
    const payload = (json["payload"] as Record<string, string> | undefined) ?? {};
    add("pagerduty summary", payload["summary"], item["description"]);
    add("pagerduty severity", payload["severity"], item["severity"]);
  } else if (arrival.kind === "email" && arrival.mail) {
    add("email subject", arrival.mail.subject, (item["headers"] as Record<string, string> | undefined)?.["Subject"]);
    add("email html", arrival.mail.parts.get("text/html"), item["html"], "html");
    add("email text", arrival.mail.parts.get("text/plain"), item["text"]);
  }
  return checks;
}

function render(templateGlobs: string[], text: string, data: TemplateData, type: "text" | "html", dir: string): string {
  const file = join(dir, "data.json");
  writeFileSync(file, JSON.stringify(data));
  const args = ["template", "render", ...templateGlobs.map((g) => `--template.glob=${g}`), `--template.text=${text}`, `--template.type=${type}`, `--template.data=${file}`];
  const result = run(tools.amtool, args);
  if (result.status !== 0) throw new Error(`amtool template render: ${result.stderr}`);
  return result.stdout;
}

/**
 * Mismatches between what arrived and what amtool renders from the chart's templates, for each
 * templated field. An empty list means every field is the chart's template, rendered.
 * `externalURLs`: the sender's external URL is one of them (--web.external-url, or Alertmanager's
 * default http://<hostname>:<port> of each replica).
 */
export function templateMismatches(renderedConfig: string, templateGlobs: string[], arrival: Arrival, data: Omit<TemplateData, "externalURL">, externalURLs: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), "promstack-live-template-"));
  try {
    const problems: string[] = [];
    for (const check of templatedFields(renderedConfig, arrival)) {
      if (check.actual === undefined) {
        problems.push(`${check.field}: missing in what arrived`);
        continue;
      }
      const candidates = externalURLs.map((externalURL) => render(templateGlobs, check.template, { ...data, externalURL }, check.type, dir).trim());
      if (!candidates.includes(check.actual.trim())) problems.push(`${check.field}: got ${JSON.stringify(check.actual)}, amtool renders ${JSON.stringify(candidates[0])}`);
      if (/\{\{|\}\}/.test(check.actual)) problems.push(`${check.field}: unrendered template syntax in ${JSON.stringify(check.actual)}`);
    }
    return problems;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Arrivals whose kind has templated fields (sinks other than webhooks). */
export function isTemplated(arrival: Arrival): boolean {
  return arrival.kind === "slack" || arrival.kind === "pagerduty" || arrival.kind === "email";
}
