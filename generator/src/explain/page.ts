// The Markdown page `promstack explain` prints for a profile: what it deploys, every alert with
// the receivers it reaches, and the routing tree as a Mermaid flowchart.
import type { ExplainedAlert } from "./alerts.js";
import type { DeploymentSummary } from "./deployment.js";

export interface Explanation {
  profile: string;
  release: string;
  namespace: string;
  deployment: DeploymentSummary;
  alerts: ExplainedAlert[];
  receivers: string[];
  /** Each receiver's integrations, e.g. "slack (#alerts)", "webhook (alert-receiver.monitoring.svc)". */
  integrations: Record<string, string[]>;
  /** Inhibit rules: source matchers, target matchers, equal labels. */
  inhibitions: string[][];
  /** Undefined when the render has no Alertmanager. */
  flowchart?: string;
}

/** A table cell: pipes and line breaks would end it. */
function cell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, " ") || " ";
}

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`)];
}

function labelsText(labels: Record<string, string>): string {
  return Object.entries(labels).filter(([k]) => k !== "alertname").sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(", ");
}

export function explanationPage(e: Explanation): string {
  const out: string[] = [];
  const { deployment: d } = e;
  out.push(`# Profile ${e.profile}`, "");
  out.push(`What \`helm template ${e.release} charts/promstack --namespace ${e.namespace} -f values/${e.profile}.yaml\` deploys, and where each alert goes according to the rendered alertmanager.yml. Written by \`promstack explain\`.`, "");
  out.push("## What it deploys", "");
  if (d.workloads.length === 0) out.push("No workload.", "");
  for (const w of d.workloads) {
    out.push(`### ${w.kind} ${w.name}`, "", `Replicas: ${w.replicas}.`, "");
    out.push(...table(["container", "image", "requests", "limits", "ports"], w.containers.map((c) => [c.name, c.image, c.requests, c.limits, c.ports || "none"])), "");
    if (w.volumes.length > 0) out.push("Volumes:", "", ...w.volumes.map((v) => `- ${v}`), "");
  }
  out.push("### Services", "");
  out.push(...(d.services.length > 0 ? table(["service", "type", "ports"], d.services.map((s) => [s.name, s.type, s.ports.join(", ")])) : ["None."]), "");
  out.push("### Ingresses", "");
  out.push(...(d.ingresses.length > 0 ? table(["ingress", "class", "routes", "TLS hosts"], d.ingresses.map((i) => [i.name, i.className, i.routes.join(", "), i.tlsHosts.join(", ") || "none"])) : ["None."]), "");
  out.push("### Every rendered object", "", d.kinds.map((k) => `${k.kind} ${k.count}`).join(", ") + ".", "");

  out.push("## Alerts and their receivers", "");
  out.push(`${e.alerts.length} alert(s). Receivers are listed in the order Alertmanager notifies them, decided on the labels below (alertname, Prometheus' external labels, the rule's labels, after Prometheus' alert_relabel_configs); the semantics tests check every row against \`amtool config routes test\`.${e.inhibitions.length > 0 ? ` ${e.inhibitions.length} inhibit rule(s) may mute an alert while another fires (below).` : ""}`, "");
  const unreached = e.receivers.filter((r) => !e.alerts.some((a) => a.receivers.includes(r)));
  out.push(...table(
    ["group", "alert", "labels", "receivers", "also depends on"],
    e.alerts.map((a) => [
      a.group,
      a.alert,
      labelsText(a.labels) || "none",
      a.receivers.join(", ") || "none",
      [
        ...(a.droppedByRelabelling ? ["dropped by alert_relabel_configs"] : []),
        ...a.seriesLabels.map((l) => `series label ${l}`),
        ...a.templatedLabels.map((l) => `templated ${l}`),
        ...a.unmodelledRelabelling.map((action) => `alert_relabel_configs ${action} (not modelled)`),
      ].join(", ") || "no",
    ]),
  ), "");
  if (unreached.length > 0) out.push(`No alert of this profile reaches on its rule labels: ${unreached.join(", ")}.`, "");
  if (e.receivers.length > 0) {
    out.push("### Receivers", "");
    out.push(...table(["receiver", "integrations"], e.receivers.map((name) => [name, (e.integrations[name] ?? []).join(", ") || "none (alerts routed here are dropped)"])), "");
  }
  if (e.inhibitions.length > 0) out.push("### Inhibit rules", "", ...table(["while an alert matching", "fires, mute alerts matching", "with equal labels"], e.inhibitions), "");
  if (e.flowchart === undefined) {
    out.push("## Route tree", "", "This profile deploys no Alertmanager (`alertmanager.enabled: false`): nothing routes its alerts.", "");
    return out.join("\n");
  }
  out.push("## Route tree", "", "Edges are numbered in the order Alertmanager tries a route's children; the first that matches takes the alert unless it says `continue: true`.", "");
  out.push("```mermaid", e.flowchart, "```", "");
  return out.join("\n");
}
