// The network-policies subchart cannot read the other subcharts' values, so it holds its own
// copy of the few facts it needs; these checks make sure the copies agree.
import type { PromstackValues } from "../types/values.js";
import type { Findings } from "./findings.js";

/** The policies hold their own copy of node-exporter's port (a subchart cannot read another's values). */
export function checkNetworkPolicies(values: PromstackValues, findings: Findings): void {
  const policies = values["network-policies"];
  if (!policies?.enabled) return;
  const grafana = values.grafana;
  const datasource = grafana?.datasources?.alertmanager;
  const grafanaNeedsAlertmanager = Boolean(grafana?.enabled && grafana.deploy !== false && datasource?.enabled && !datasource.url && values.alertmanager?.enabled);
  if (grafanaNeedsAlertmanager !== Boolean(policies.grafanaToAlertmanager)) {
    const message = grafanaNeedsAlertmanager
      ? "Grafana's Alertmanager data source points at this release's Alertmanager, but the network policies cut Grafana off from it: set grafanaToAlertmanager: true"
      : "grafanaToAlertmanager opens Alertmanager to Grafana, whose Alertmanager data source is not on (or points elsewhere)";
    findings.add(grafanaNeedsAlertmanager ? "error" : "warning", ["network-policies", "grafanaToAlertmanager"], message, ["network-policies"], true);
  }
  const nodeExporter = values.exporters?.nodeExporter;
  if (!values.exporters?.enabled || !nodeExporter?.enabled) return;
  const ports = policies.nodeExporter?.ports ?? [];
  const port = nodeExporter.port ?? 9100;
  if (ports.length > 0 && !ports.includes(port)) {
    findings.add("error", ["network-policies", "nodeExporter", "ports"], `Prometheus could not reach node-exporter: its port ${port} (exporters.nodeExporter.port) is not in network-policies.nodeExporter.ports (${ports.join(", ")})`, ["network-policies"], true);
  }
}
