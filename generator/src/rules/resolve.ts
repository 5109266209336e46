// The rules a profile renders: its groups merged over the built-in packs, switched-off groups
// and alerts dropped, placeholders replaced. Mirrors the chart's own rules template, so the
// generator can check and test exactly what Helm will render.
import { deepMerge, type Json } from "../schema/defaults.js";
import type { PromstackValues } from "../types/values.js";
import { goFormatG } from "./go-format.js";
import { isAlertKey } from "./packs.js";
import type { AlertRule, RecordingRule, ResolvedAlert, ResolvedGroup, ResolvedRecording, RuleGroup, RuleGroups } from "./model.js";

/** The named values ${name} stands for in an expression. */
export function parametersOf(rule: AlertRule | RecordingRule): Record<string, number | string> {
  const parameters: Record<string, number | string> = {};
  if ("threshold" in rule && rule.threshold !== undefined) parameters.threshold = rule.threshold;
  if (rule.selector !== undefined) parameters.selector = rule.selector;
  if (rule.window !== undefined) parameters.window = rule.window;
  for (const [name, value] of Object.entries(rule.params ?? {})) if (value !== undefined) parameters[name] = value;
  return parameters;
}

/** Helm's toString: numbers as Go's %v prints them. */
function helmString(value: number | string): string {
  return typeof value === "number" ? goFormatG(value) : value;
}

export function substitute(expr: string, parameters: Record<string, number | string>): string {
  let out = expr;
  for (const [name, value] of Object.entries(parameters)) out = out.split(`\${${name}}`).join(helmString(value));
  return out;
}

/** Placeholders left in an expression after substitution: names that are not parameters. */
export function unresolvedPlaceholders(expr: string): string[] {
  return [...expr.matchAll(/\$\{([^}]*)\}/g)].map((match) => match[1]!);
}

export function alertsOf(group: RuleGroup): Array<[string, AlertRule]> {
  return Object.entries(group)
    .filter(([key]) => isAlertKey(key))
    .map(([key, rule]) => [key, rule as AlertRule] as [string, AlertRule])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function stringLabels(labels: Record<string, unknown> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).map(([key, value]) => [key, String(value)]));
}

function resolveAlert(groupName: string, group: RuleGroup, name: string, rule: AlertRule, runbookBaseUrl: string): ResolvedAlert {
  const parameters = parametersOf(rule);
  const labels = { ...stringLabels(group.labels), ...stringLabels(rule.labels) };
  if (rule.severity) labels.severity = rule.severity;
  if (rule.priority) labels.priority = rule.priority;
  const annotations: Record<string, string> = { ...stringLabels(rule.annotations) };
  if (rule.summary !== undefined) annotations.summary = rule.summary;
  if (rule.description !== undefined) annotations.description = rule.description;
  annotations.runbook_url = rule.runbookUrl ?? `${runbookBaseUrl}/${groupName}/${name}.md`;
  return {
    group: groupName,
    name,
    expr: substitute(rule.expr ?? "", parameters),
    ...(rule.for ? { for: rule.for } : {}),
    ...(rule.keepFiringFor ? { keepFiringFor: rule.keepFiringFor } : {}),
    labels,
    annotations,
    parameters,
    source: rule,
  };
}

function resolveRecording(groupName: string, record: string, rule: RecordingRule): ResolvedRecording {
  return { group: groupName, record, expr: substitute(rule.expr, parametersOf(rule)), labels: stringLabels(rule.labels) };
}

/** Why an alert named `name` cannot start from `from` (group, or group/Alert), or undefined when it can. */
export function fromProblem(rules: RuleGroups, name: string, from: string): string | undefined {
  const [fromGroup, fromAlert = name] = from.split("/") as [string, string?];
  const base = rules[fromGroup]?.[fromAlert] as AlertRule | undefined;
  if (base === undefined || typeof base !== "object") return `group "${fromGroup}" has no alert ${fromAlert}`;
  if (base.from !== undefined) return `${fromGroup}/${fromAlert} itself starts from ${base.from}; start from that alert instead`;
  return undefined;
}

/**
 * An alert with `from` takes the definition of another group's alert (the one of the same name,
 * or group/Alert) and overrides it with its own keys; `enabled` is its own. Mirrors the chart.
 */
export function inheritFrom(rules: RuleGroups, groupName: string, name: string, rule: AlertRule): AlertRule {
  if (rule.from === undefined) return rule;
  const problem = fromProblem(rules, name, rule.from);
  if (problem !== undefined) throw new Error(`rules.${groupName}.${name}.from: ${problem}`);
  const [fromGroup, fromAlert = name] = rule.from.split("/") as [string, string?];
  const { enabled: _enabled, ...inherited } = rules[fromGroup]![fromAlert] as AlertRule;
  const { from: _from, ...own } = rule;
  const out = deepMerge(inherited as Json, own as Json) as AlertRule;
  // Its own test replaces the inherited one whole, as in resolveProfileRules.
  if (own.test) out.test = structuredClone(own.test);
  return out;
}

/** Every enabled group with its enabled rules, in the order the chart renders them (sorted by name). */
export function resolveRules(rules: RuleGroups, runbookBaseUrl: string): ResolvedGroup[] {
  return Object.keys(rules)
    .sort()
    .flatMap((groupName) => {
      const group = rules[groupName];
      if (!group || group.enabled === false) return [];
      const recordings = Object.keys(group.recording ?? {})
        .sort()
        .filter((record) => group.recording![record]!.enabled !== false)
        .map((record) => resolveRecording(groupName, record, group.recording![record]!));
      const alerts = alertsOf(group)
        .filter(([, rule]) => rule.enabled !== false)
        .map(([name, rule]) => resolveAlert(groupName, group, name, inheritFrom(rules, groupName, name, rule), runbookBaseUrl));
      if (alerts.length === 0 && recordings.length === 0) return [];
      return [{ name: groupName, ...(group.interval ? { interval: group.interval } : {}), alerts, recordings }];
    });
}

/**
 * The rules a validated profile renders, with the packs' test inputs and runbook text, which
 * the chart defaults leave out: the packs first, then the profile's values over them.
 */
export function resolveProfileRules(values: PromstackValues, packs: RuleGroups): ResolvedGroup[] {
  const merged = deepMerge(packs as Json, (values.rules ?? {}) as Json) as RuleGroups;
  // A test belongs to its expression: when a profile rewrites a pack alert and gives its own
  // test, that test replaces the pack's whole (merged, the pack's expected labels or input
  // series would leak into it). The chart defaults carry no tests, so any test here is the profile's.
  for (const [groupName, group] of Object.entries(values.rules ?? {})) {
    for (const [name, rule] of alertsOf(group ?? {})) {
      if (rule.test) (merged[groupName]![name] as AlertRule).test = structuredClone(rule.test);
    }
  }
  return resolveRules(merged, values.alerting?.runbookBaseUrl ?? "");
}
