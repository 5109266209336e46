// Inhibit rules against the alerts that can meet them: Alertmanager mutes a target only when it
// and a source have the same value for every `equal` label, and an alert whose expression
// aggregates such a label away has none (two alerts without it count as equal: the rule then
// mutes across every namespace, cluster...). Each alert a rule's matchers can select must keep
// each equal label: from its static labels, Prometheus' external labels (added to every alert it
// sends), or through its expression's syntax tree.
import { labelLoss, type Recordings } from "../promql-labels.js";
import { isAlertKey } from "../rules/packs.js";
import { fromProblem, resolveRules } from "../rules/resolve.js";
import type { ResolvedGroup, RuleGroups } from "../rules/model.js";
import type { PromstackValues } from "../types/values.js";
import type { Findings } from "./findings.js";
import { parseMatchers, type Matcher } from "./matchers.js";

interface RenderedAlert {
  /** How the message names it: rules.<group>.<Alert> or rules.<group>.rules[i]. */
  where: string;
  name: string;
  expr: string;
  labels: Record<string, string>;
}

function alertsOf(groups: ResolvedGroup[]): RenderedAlert[] {
  return groups.flatMap((group) => [
    ...group.native.filter((rule) => rule.alert !== undefined).map((rule) => ({ where: `rules.${group.name}.rules[${rule.index}]`, name: rule.alert!, expr: rule.expr, labels: rule.labels })),
    ...group.alerts.map((alert) => ({ where: `rules.${group.name}.${alert.name}`, name: alert.name, expr: alert.expr, labels: alert.labels })),
  ]);
}

function recordingsOf(groups: ResolvedGroup[]): Recordings {
  const recordings = new Map<string, { expr: string; labels: Record<string, string> }>();
  for (const group of groups) {
    for (const rule of group.native) if (rule.record !== undefined && !recordings.has(rule.record)) recordings.set(rule.record, { expr: rule.expr, labels: rule.labels });
    for (const rule of group.recordings) if (!recordings.has(rule.record)) recordings.set(rule.record, { expr: rule.expr, labels: rule.labels });
  }
  return recordings;
}

/**
 * Whether a matcher can select the alert: decided when the label is static (alertname or a rule
 * label); a label the expression sets is known only at run time, so it may match.
 */
function mayMatch(matcher: Matcher, alert: RenderedAlert): boolean {
  const value = matcher.name === "alertname" ? alert.name : alert.labels[matcher.name];
  if (value === undefined) return true;
  switch (matcher.type) {
    case "=":
      return value === matcher.value;
    case "!=":
      return value !== matcher.value;
    default: {
      let regex: RegExp;
      try {
        regex = new RegExp(`^(?:${matcher.value})$`, "su");
      } catch {
        return true; // RE2 syntax JavaScript does not read: assume it may match
      }
      return regex.test(value) === (matcher.type === "=~");
    }
  }
}

function matchersOf(list: string[] | undefined): Matcher[] | undefined {
  const matchers: Matcher[] = [];
  for (const text of list ?? []) {
    const parsed = parseMatchers(text);
    if (!parsed.ok) return undefined; // reported by the matcher check
    matchers.push(...parsed.matchers);
  }
  return matchers;
}

/** Groups with valid `from` references only; the rules check reports the others. */
function renderedGroups(rules: RuleGroups): ResolvedGroup[] {
  const valid = structuredClone(rules);
  for (const [groupName, group] of Object.entries(rules)) {
    for (const [name, rule] of Object.entries(group ?? {})) {
      const from = isAlertKey(name) ? (rule as { from?: string }).from : undefined;
      if (from !== undefined && fromProblem(rules, name, from) !== undefined) delete valid[groupName]![name];
    }
  }
  return resolveRules(valid, "");
}

/** The external labels of the chart's own Prometheus, as its config template sets them; undefined when another Prometheus evaluates the rules. */
function externalLabels(values: PromstackValues): Record<string, string> | undefined {
  const prometheus = values.prometheus;
  if (prometheus?.enabled === false || prometheus?.mode === "operator") return undefined;
  const cluster = values.global?.clusterName;
  return { ...(cluster ? { cluster } : {}), ...(prometheus?.externalLabels ?? {}) } as Record<string, string>;
}

export function checkInhibitionLabels(values: PromstackValues, findings: Findings): void {
  const inhibitRules = values.alertmanager?.inhibitRules ?? [];
  if (!inhibitRules.some((rule) => (rule.equal ?? []).length > 0)) return;
  const external = externalLabels(values);
  // Another Prometheus (operator mode, or none here) may add the label as one of its external labels.
  const caveat = external ? "" : " (unless the Prometheus that evaluates it adds it as an external label)";
  const groups = renderedGroups((values.rules ?? {}) as RuleGroups);
  const alerts = alertsOf(groups);
  const recordings = recordingsOf(groups);
  for (const [index, rule] of inhibitRules.entries()) {
    const name = rule.name ? `inhibit rule "${rule.name}"` : `inhibit rule ${index}`;
    for (const side of ["source", "target"] as const) {
      const matchers = matchersOf(side === "source" ? rule.sourceMatchers : rule.targetMatchers);
      // An open side means any alert, with or without the label: nothing to hold it to.
      if (!matchers || matchers.length === 0) continue;
      for (const alert of alerts.filter((candidate) => matchers.every((matcher) => mayMatch(matcher, candidate)))) {
        for (const [position, label] of (rule.equal ?? []).entries()) {
          if (label === "alertname" || label in alert.labels || (external && label in external)) continue;
          const loss = labelLoss(alert.expr, label, recordings);
          if (!loss) continue;
          findings.add(
            "warning",
            ["alertmanager", "inhibitRules", index, "equal", position],
            `${name} needs equal label "${label}", but its ${side} alert ${alert.name} (${alert.where}) never has it${caveat}: at ${loss.line}:${loss.column} of its expression, ${loss.reason}. Alertmanager then compares "${label}" as empty, so this rule mutes across every ${label}, or never; keep "${label}" in the expression (e.g. sum by (..., ${label})) or give the alert a static ${label} label`,
          );
        }
      }
    }
  }
}
