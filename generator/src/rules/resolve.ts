// The rules a profile renders: its groups merged over the built-in packs, switched-off groups
// and alerts dropped, placeholders replaced. Mirrors the chart's own rules template, so the
// generator can check and test exactly what Helm will render.
import { createHash } from "node:crypto";
import { deepMerge, type Json } from "../schema/defaults.js";
import type { PromstackValues } from "../types/values.js";
import { goFormatG } from "./go-format.js";
import { isAlertKey } from "./packs.js";
import type { AlertRule, NativeRule, RecordingRule, ResolvedAlert, ResolvedGroup, ResolvedNativeRule, ResolvedRecording, RuleGroup, RuleGroups } from "./model.js";

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

/**
 * A text with its ${name} placeholders replaced, and the placeholders no parameter defines.
 * $${ stands for a literal ${ (label_replace's "$${1}"). Names are replaced one after another
 * in sorted order, as the chart's range over a dict does.
 */
export function substituteChecked(text: string, parameters: Record<string, number | string>): { text: string; unknown: string[] } {
  const names = Object.keys(parameters).sort();
  const unknown: string[] = [];
  const parts = text.split("$${").map((part) => {
    let out = part;
    for (const name of names) out = out.split(`\${${name}}`).join(helmString(parameters[name]!));
    unknown.push(...[...out.matchAll(/\$\{([^}]*)\}?/g)].map((match) => match[1]!));
    return out;
  });
  return { text: parts.join("${"), unknown };
}

export function substitute(text: string, parameters: Record<string, number | string>): string {
  return substituteChecked(text, parameters).text;
}

/** The placeholders of a text that none of the parameters defines. */
export function unresolvedPlaceholders(text: string, parameters: Record<string, number | string> = {}): string[] {
  return substituteChecked(text, parameters).unknown;
}

/** What ${name} stands for in an alert's summary and description: its parameters and its for. */
export function textParametersOf(rule: AlertRule): Record<string, number | string> {
  return { ...parametersOf(rule), ...(rule.for ? { for: rule.for } : {}) };
}

/**
 * A group's rule file name (ConfigMap key, without .yaml) and runbook folder: the name itself
 * when it is a safe file name, else its safe characters and a hash, so any group name Prometheus
 * accepts stays a valid ConfigMap key and a path inside the runbook folder. Mirrors the chart.
 */
export function ruleFileName(group: string): string {
  if (/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(group) && group.length <= 100) return group;
  const hash = createHash("sha256").update(group, "utf8").digest("hex").slice(0, 10);
  return `${group.replace(/[^A-Za-z0-9_-]+/gu, "-").slice(0, 60)}-${hash}`;
}

/** Whether an alert links to a generated runbook page: it has runbook text (every pack alert has). */
export function hasRunbookPage(rule: AlertRule): boolean {
  return typeof rule.runbook === "string" && rule.runbook !== "";
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
  const texts = textParametersOf(rule);
  if (rule.summary !== undefined) annotations.summary = substitute(rule.summary, texts);
  if (rule.description !== undefined) annotations.description = substitute(rule.description, texts);
  // A runbook_url the user wrote is never replaced; a generated link only points at a page that exists.
  if (annotations.runbook_url === undefined) {
    if (rule.runbookUrl !== undefined) annotations.runbook_url = rule.runbookUrl;
    else if (hasRunbookPage(rule)) annotations.runbook_url = `${runbookBaseUrl}/${ruleFileName(groupName)}/${name}.md`;
  }
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

/** A rule of the native list: as written, the group's labels under its own. */
function resolveNative(groupName: string, group: RuleGroup, index: number, rule: NativeRule): ResolvedNativeRule {
  return {
    group: groupName,
    index,
    ...(rule.alert !== undefined ? { alert: rule.alert } : {}),
    ...(rule.record !== undefined ? { record: rule.record } : {}),
    expr: rule.expr,
    ...(rule.for ? { for: rule.for } : {}),
    ...(rule.keepFiringFor ? { keepFiringFor: rule.keepFiringFor } : {}),
    labels: { ...stringLabels(group.labels), ...stringLabels(rule.labels) },
    annotations: stringLabels(rule.annotations),
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
      const native = (group.rules ?? []).map((rule, index) => resolveNative(groupName, group, index, rule));
      if (alerts.length === 0 && recordings.length === 0 && native.length === 0) return [];
      return [
        {
          name: groupName,
          file: ruleFileName(groupName),
          ...(group.interval ? { interval: group.interval } : {}),
          ...(group.limit !== undefined ? { limit: group.limit } : {}),
          ...(group.queryOffset ? { queryOffset: group.queryOffset } : {}),
          native,
          recordings,
          alerts,
        },
      ];
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

/** A resolved group as a Prometheus rule group, in the chart's order: the native list, recordings, alerts. */
export function ruleGroupFile(group: ResolvedGroup): Record<string, unknown> {
  const labelsOf = (labels: Record<string, string>) => (Object.keys(labels).length > 0 ? { labels } : {});
  const annotationsOf = (annotations: Record<string, string>) => (Object.keys(annotations).length > 0 ? { annotations } : {});
  const rules = [
    ...group.native.map((rule) => ({
      ...(rule.alert !== undefined ? { alert: rule.alert } : { record: rule.record }),
      expr: rule.expr,
      ...(rule.for ? { for: rule.for } : {}),
      ...(rule.keepFiringFor ? { keep_firing_for: rule.keepFiringFor } : {}),
      ...labelsOf(rule.labels),
      ...annotationsOf(rule.annotations),
    })),
    ...group.recordings.map((rule) => ({ record: rule.record, expr: rule.expr, ...labelsOf(rule.labels) })),
    ...group.alerts.map((rule) => ({
      alert: rule.name,
      expr: rule.expr,
      ...(rule.for ? { for: rule.for } : {}),
      ...(rule.keepFiringFor ? { keep_firing_for: rule.keepFiringFor } : {}),
      labels: rule.labels,
      annotations: rule.annotations,
    })),
  ];
  return {
    name: group.name,
    ...(group.interval ? { interval: group.interval } : {}),
    ...(group.limit !== undefined ? { limit: group.limit } : {}),
    ...(group.queryOffset ? { query_offset: group.queryOffset } : {}),
    rules,
  };
}
