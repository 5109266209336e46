// Prometheus' alerting.alert_relabel_configs, applied to the labels of an alert before it is
// sent: the filtering actions (drop, keep, labeldrop, labelkeep) that HA pairs use to remove a
// replica label. Other actions are not modelled: the alert says which, and is routed on its
// labels before them.
import { re2Matcher } from "../re2.js";
import type { Labels } from "./route-tree.js";

export interface RelabelConfig {
  action?: string;
  source_labels?: string[];
  separator?: string;
  regex?: string;
}

export interface Relabelled {
  /** The labels after relabelling, or undefined when a rule drops the alert. */
  labels: Labels | undefined;
  /** Actions met that this model does not apply. */
  unmodelled: string[];
}

const MODELLED = new Set(["drop", "keep", "labeldrop", "labelkeep"]);

export function relabelAlert(labels: Labels, configs: RelabelConfig[]): Relabelled {
  let current: Labels = { ...labels };
  const unmodelled: string[] = [];
  for (const config of configs) {
    const action = (config.action ?? "replace").toLowerCase();
    if (!MODELLED.has(action)) {
      unmodelled.push(action);
      continue;
    }
    const regex = re2Matcher(config.regex ?? "(.*)", "prometheus");
    if (!regex) throw new Error(`alert_relabel_configs: the regex ${JSON.stringify(config.regex)} does not compile`);
    if (action === "drop" || action === "keep") {
      const value = (config.source_labels ?? []).map((name) => current[name] ?? "").join(config.separator ?? ";");
      if (regex.test(value) === (action === "drop")) return { labels: undefined, unmodelled };
    } else {
      current = Object.fromEntries(Object.entries(current).filter(([name]) => regex.test(name) === (action === "labelkeep")));
    }
  }
  return { labels: current, unmodelled };
}
