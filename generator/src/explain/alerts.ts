// Every alert of a render with the labels Alertmanager sees from the rule alone and the
// receivers those labels reach through the rendered routing tree. Prometheus adds its external
// labels to what it sends (a rule's own label wins); labels of the series themselves are known
// only at run time, so where a route tests such a label the alert says which ones.
import { parse } from "yaml";
import { labelLoss } from "../promql-labels.js";
import { relabelAlert, type RelabelConfig } from "./alert-relabel.js";
import type { RenderedConfigs } from "../render/extract.js";
import { matchRoutes, routeMatchers, type Labels, type RouteConfig } from "./route-tree.js";

export interface ExplainedAlert {
  group: string;
  alert: string;
  /** alertname, the external labels and the rule's labels, as Alertmanager receives them. */
  labels: Labels;
  /** Receivers in tree order, exactly as `amtool config routes test` lists them. */
  receivers: string[];
  /** The matched route nodes, e.g. "route.routes[1]". */
  routes: string[];
  /** Labels routes test that the rule does not set but its expression's series may carry. */
  seriesLabels: string[];
  /** Rule labels whose value is a template, only known when the alert fires. */
  templatedLabels: string[];
  /** alert_relabel_configs actions applied after the ones modelled here (the labels are those before them). */
  unmodelledRelabelling: string[];
  /** True when alert_relabel_configs drops the alert: it reaches no Alertmanager. */
  droppedByRelabelling: boolean;
}

export interface AlertmanagerConfig {
  route?: RouteConfig;
  receivers?: Array<{ name: string; [integration: string]: unknown }>;
  inhibit_rules?: unknown[];
}

export function parseAlertmanagerConfig(text: string): AlertmanagerConfig {
  const config = parse(text) as AlertmanagerConfig | null;
  if (!config || typeof config !== "object" || !config.route) throw new Error("the rendered alertmanager.yml has no route");
  return config;
}

interface PrometheusAlerting {
  global?: { external_labels?: Labels };
  alerting?: { alert_relabel_configs?: RelabelConfig[] };
}

/** Prometheus' external labels and alert relabelling from the rendered prometheus.yml (none in operator mode: the operator's Prometheus sets its own). */
export function sendingSide(configs: RenderedConfigs): { external: Labels; relabel: RelabelConfig[] } {
  if (!configs.prometheus) return { external: {}, relabel: [] };
  const parsed = parse(configs.prometheus.text) as PrometheusAlerting | null;
  return { external: parsed?.global?.external_labels ?? {}, relabel: parsed?.alerting?.alert_relabel_configs ?? [] };
}

/** Every label name some route of the tree tests. */
export function testedLabels(route: RouteConfig): Set<string> {
  const names = new Set(routeMatchers(route).map((m) => m.name));
  for (const child of route.routes ?? []) for (const name of testedLabels(child)) names.add(name);
  return names;
}

/** The receivers an alert with these labels reaches, in tree order (duplicates kept, as amtool prints them). */
export function receiversFor(route: RouteConfig, labels: Labels): { receivers: string[]; routes: string[] } {
  const matched = matchRoutes(route, labels);
  return { receivers: matched.map((m) => m.receiver), routes: matched.map((m) => m.path) };
}

export function explainAlerts(configs: RenderedConfigs, config: AlertmanagerConfig | undefined): ExplainedAlert[] {
  const route = config?.route;
  const { external, relabel } = sendingSide(configs);
  const tested = route ? testedLabels(route) : new Set<string>();
  const out: ExplainedAlert[] = [];
  for (const file of configs.rules) {
    for (const group of file.groups) {
      for (const rule of group.rules) {
        if (rule.alert === undefined) continue;
        const own = Object.fromEntries(Object.entries(rule.labels ?? {}).map(([k, v]) => [k, String(v)]));
        const relabelled = relabelAlert({ ...external, ...own, alertname: rule.alert }, relabel);
        // Alertmanager treats an empty value as an absent label.
        const labels = Object.fromEntries(Object.entries(relabelled.labels ?? {}).filter(([, v]) => v !== ""));
        const templatedLabels = Object.keys(own).filter((k) => own[k]!.includes("{{")).sort();
        const seriesLabels = [...tested].filter((name) => !(name in labels) && mayCarry(String(rule.expr), name)).sort();
        const routed = route && relabelled.labels ? receiversFor(route, labels) : { receivers: [], routes: [] };
        out.push({ group: group.name, alert: rule.alert, labels, ...routed, seriesLabels, templatedLabels, unmodelledRelabelling: [...new Set(relabelled.unmodelled)], droppedByRelabelling: relabelled.labels === undefined });
      }
    }
  }
  return out.sort((a, b) => a.group.localeCompare(b.group) || a.alert.localeCompare(b.alert) || JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
}

/** Whether the expression's result may keep a label of its series (an unparsable expression may). */
function mayCarry(expr: string, label: string): boolean {
  try {
    return labelLoss(expr, label) === undefined;
  } catch {
    return true;
  }
}
