// Semantic checks of the rules a profile renders: every keyed alert has an expression, every
// placeholder is defined, every expression (keyed or in a native rules list) is PromQL Prometheus
// accepts (syntax and types), every alert label and annotation parses as a Go template,
// a runbook link is not set twice, group files do not collide, and no rule reads a series its
// group records only later (it would see the previous evaluation's value).
import { checkGoTemplate } from "../go-template.js";
import { prometheusTemplates } from "../go-template-dialects.js";
import { formatPromQLError } from "../promql.js";
import { checkPromQLExpression } from "../promql-types.js";
import { isAlertKey } from "../rules/packs.js";
import { readsSeries, seriesReads } from "../rules/reads.js";
import { fromProblem, parametersOf, resolveRules, textParametersOf, unresolvedPlaceholders } from "../rules/resolve.js";
import type { AlertRule, RecordingRule, ResolvedGroup, RuleGroups } from "../rules/model.js";
import type { PromstackValues } from "../types/values.js";
import type { Findings, Segments } from "./findings.js";
import { excerpt, hasPath } from "./source.js";
import { suggestion } from "./schema-errors.js";

/** Where to point for a problem in a rule's field: the field if the profile writes it, else the rule. */
function anchor(findings: Findings, segments: Segments, field: string): Segments {
  return hasPath(findings.source, [...segments, field]) ? [...segments, field] : segments;
}

function checkPlaceholders(findings: Findings, segments: Segments, field: string, template: string, parameters: Record<string, number | string>, what: string): boolean {
  const unknown = unresolvedPlaceholders(template, parameters);
  if (unknown.length === 0) return true;
  findings.add("error", [...segments, field], `${what} refers to ${unknown.map((name) => `\${${name}}`).join(", ")}, which the rule does not define (${what === "the expression" ? "as threshold, selector, window or params" : "as for, threshold, selector, window or params"}; write $\${ for a literal \${)`, anchor(findings, segments, field));
  return false;
}

function checkSyntax(findings: Findings, segments: Segments, expr: string, template: string): void {
  const [first] = checkPromQLExpression(expr, "rule");
  if (first) findings.add("error", [...segments, "expr"], `invalid PromQL at ${formatPromQLError(first)} in: ${excerpt(expr)}${expr === template ? "" : ` (from ${excerpt(template)})`}`, anchor(findings, segments, "expr"));
}

function checkKeyed(findings: Findings, segments: Segments, expr: string, rule: AlertRule | RecordingRule): void {
  if (checkPlaceholders(findings, segments, "expr", rule.expr ?? "", parametersOf(rule), "the expression")) checkSyntax(findings, segments, expr, rule.expr ?? "");
}

// Where a rendered annotation comes from in the rule's values.
const annotationKeys: Record<string, string> = { summary: "summary", description: "description", runbook_url: "runbookUrl" };

/** promtool parses every label and annotation of an alert as a Go template, with Prometheus' functions. */
export function checkAlertTemplates(findings: Findings, segments: Segments, alert: { labels: Record<string, string>; annotations: Record<string, string> }, groupSegments: Segments = segments.slice(0, -1)): void {
  const sources: Array<[string, string, Segments]> = [
    ...Object.entries(alert.labels).map(([key, text]): [string, string, Segments] => [`label ${key}`, text, hasPath(findings.source, [...segments, "labels", key]) ? [...segments, "labels", key] : hasPath(findings.source, [...segments, key]) ? [...segments, key] : [...groupSegments, "labels", key]]),
    ...Object.entries(alert.annotations).map(([key, text]): [string, string, Segments] => [`annotation ${key}`, text, annotationKeys[key] && hasPath(findings.source, [...segments, annotationKeys[key]!]) ? [...segments, annotationKeys[key]!] : [...segments, "annotations", key]]),
  ];
  for (const [what, text, path] of sources) {
    const problem = checkGoTemplate(text, prometheusTemplates);
    if (problem) findings.add("error", path, `${what}: Prometheus cannot parse this template: ${problem.line}:${problem.column}: ${problem.message}`, hasPath(findings.source, path) ? path : segments);
  }
}

/** Alerts whose `from` names no alert are reported and left out, so the others can be resolved. */
function withValidReferences(rules: RuleGroups, findings: Findings): RuleGroups {
  const valid = structuredClone(rules);
  for (const [groupName, group] of Object.entries(rules)) {
    for (const [name, rule] of Object.entries(group ?? {})) {
      const from = isAlertKey(name) ? (rule as { from?: string }).from : undefined;
      const problem = from === undefined ? undefined : fromProblem(rules, name, from);
      if (problem === undefined) continue;
      findings.add("error", ["rules", groupName, name, "from"], problem);
      delete valid[groupName]![name];
    }
  }
  return valid;
}

interface OrderedRule {
  segments: Segments;
  label: string;
  keyed: boolean;
  expr: string;
  record?: string;
}

/** The group's rules in the order Prometheus evaluates them: the native list, recordings, alerts. */
function evaluationOrder(group: ResolvedGroup): OrderedRule[] {
  return [
    ...group.native.map((rule) => ({ segments: ["rules", group.name, "rules", rule.index], label: rule.record !== undefined ? `rule ${rule.index} (record ${rule.record})` : `rule ${rule.index} (alert ${rule.alert})`, keyed: false, expr: rule.expr, ...(rule.record !== undefined ? { record: rule.record } : {}) })),
    ...group.recordings.map((rule) => ({ segments: ["rules", group.name, "recording", rule.record], label: `recording ${rule.record}`, keyed: true, expr: rule.expr, record: rule.record })),
    ...group.alerts.map((rule) => ({ segments: ["rules", group.name, rule.name], label: `alert ${rule.name}`, keyed: true, expr: rule.expr })),
  ];
}

/** A rule that reads a series recorded later in its group sees the value of the previous evaluation. */
function checkReadOrder(findings: Findings, group: ResolvedGroup): void {
  const order = evaluationOrder(group);
  order.forEach((rule, position) => {
    const reads = seriesReads(rule.expr);
    const warned = new Set<string>();
    for (const later of order.slice(position + 1)) {
      if (later.record === undefined || warned.has(later.record) || !readsSeries(reads, later.record)) continue;
      warned.add(later.record);
      const fix =
        rule.keyed && later.keyed
          ? `keyed recordings run sorted by name; write both in rules.${group.name}.rules, in the order they must run`
          : rule.keyed
            ? `keyed rules run after the rules list; move it into rules.${group.name}.rules after the rule that records ${later.record}`
            : `move it after that rule in rules.${group.name}.rules`;
      findings.add("warning", [...rule.segments, "expr"], `${rule.label} reads ${later.record}, which ${later.label} of group "${group.name}" records later in the same evaluation, so it sees the value of the previous evaluation: ${fix}`, anchor(findings, rule.segments, "expr"));
    }
  });
}

/** Prometheus refuses a rule that sets the metric name as a label, or an annotation without a name. */
function checkNames(findings: Findings, segments: Segments, labels: Record<string, unknown> | undefined, annotations: Record<string, unknown> | undefined): void {
  if (labels && "__name__" in labels) findings.add("error", [...segments, "labels", "__name__"], "__name__ is not a label a rule may set (Prometheus refuses the rule file); name a recorded series with record", [...segments, "labels", "__name__"], true);
  if (annotations && "" in annotations) findings.add("error", [...segments, "annotations"], "an annotation needs a name (Prometheus refuses the rule file)", [...segments, "annotations"], true);
}

/** The runbook base URL starts every generated runbook_url annotation, which promtool parses as a template. */
function checkRunbookBaseUrl(values: PromstackValues, findings: Findings): void {
  const base = values.alerting?.runbookBaseUrl;
  const problem = base === undefined ? undefined : checkGoTemplate(base, prometheusTemplates);
  if (problem) findings.add("error", ["alerting", "runbookBaseUrl"], `every generated runbook_url annotation starts with this, and Prometheus cannot parse it as a template: ${problem.line}:${problem.column}: ${problem.message}`);
}

export function checkRules(values: PromstackValues, findings: Findings): void {
  checkRunbookBaseUrl(values, findings);
  const rules = withValidReferences((values.rules ?? {}) as RuleGroups, findings);
  const files = new Map<string, string>();
  for (const group of resolveRules(rules, "")) {
    const groupValues = rules[group.name]!;
    const earlier = files.get(group.file);
    if (earlier !== undefined) findings.add("error", ["rules", group.name], `groups "${earlier}" and "${group.name}" would share the rule file ${group.file}.yaml; rename one`, ["rules", group.name], true);
    else files.set(group.file, group.name);
    const known = Object.keys(groupValues).filter((key) => isAlertKey(key) && (groupValues[key] as { expr?: string }).expr);
    checkNames(findings, ["rules", group.name], groupValues.labels, undefined);
    for (const rule of group.native) {
      const segments: Segments = ["rules", group.name, "rules", rule.index];
      checkSyntax(findings, segments, rule.expr, rule.expr);
      const source = groupValues.rules![rule.index]!;
      checkNames(findings, segments, source.labels, source.annotations);
      if (rule.alert !== undefined) checkAlertTemplates(findings, segments, { labels: rule.labels ?? {}, annotations: rule.annotations ?? {} }, ["rules", group.name]);
    }
    for (const alert of group.alerts) {
      const segments: Segments = ["rules", group.name, alert.name];
      if (!alert.source.expr) {
        findings.add("error", segments, `alert "${alert.name}" has no expr: it is not a built-in alert of group "${group.name}", so it needs an expression${suggestion(alert.name, known)}`, segments, true);
        continue;
      }
      checkKeyed(findings, segments, alert.expr, alert.source);
      checkNames(findings, segments, alert.source.labels, alert.source.annotations);
      checkAlertTemplates(findings, segments, alert);
      for (const field of ["summary", "description"] as const) {
        const text = alert.source[field];
        if (text !== undefined) checkPlaceholders(findings, segments, field, text, textParametersOf(alert.source), `the ${field}`);
      }
      if (alert.source.runbookUrl !== undefined && alert.source.annotations?.runbook_url !== undefined) {
        findings.add("error", [...segments, "runbookUrl"], "set either runbookUrl or annotations.runbook_url, not both: the annotation is rendered as written", anchor(findings, segments, "runbookUrl"));
      }
    }
    for (const recording of group.recordings) {
      const segments: Segments = ["rules", group.name, "recording", recording.record];
      checkKeyed(findings, segments, recording.expr, groupValues.recording![recording.record]!);
      checkNames(findings, segments, groupValues.recording![recording.record]!.labels, undefined);
    }
    checkReadOrder(findings, group);
  }
}
