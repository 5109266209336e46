// Semantic checks of the alert rules a profile renders: every alert has an expression, every
// placeholder is defined, every expression parses as PromQL, and alert names are unique.
import { checkPromQL, formatPromQLError } from "../promql.js";
import { isAlertKey } from "../rules/packs.js";
import { fromProblem, resolveRules, unresolvedPlaceholders } from "../rules/resolve.js";
import type { RuleGroups } from "../rules/model.js";
import type { PromstackValues } from "../types/values.js";
import type { Findings, Segments } from "./findings.js";
import { excerpt, hasPath } from "./source.js";
import { suggestion } from "./schema-errors.js";

/** Where to point for a problem in an alert's expression: the expression if the profile writes it, else the alert. */
function exprAnchor(findings: Findings, segments: Segments): Segments {
  return hasPath(findings.source, [...segments, "expr"]) ? [...segments, "expr"] : segments;
}

function checkExpression(findings: Findings, segments: Segments, expr: string, template: string): void {
  const unknown = unresolvedPlaceholders(expr);
  if (unknown.length > 0) {
    findings.add("error", [...segments, "expr"], `the expression refers to ${unknown.map((name) => `\${${name}}`).join(", ")}, which the rule does not define (as threshold, selector, window or params)`, exprAnchor(findings, segments));
    return;
  }
  const [first] = checkPromQL(expr);
  if (first) findings.add("error", [...segments, "expr"], `invalid PromQL at ${formatPromQLError(first)} in: ${excerpt(expr)}${expr === template ? "" : ` (from ${excerpt(template)})`}`, exprAnchor(findings, segments));
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

export function checkRules(values: PromstackValues, findings: Findings): void {
  const rules = withValidReferences((values.rules ?? {}) as RuleGroups, findings);
  const firstGroupOf = new Map<string, string>();
  for (const group of resolveRules(rules, "")) {
    const groupValues = rules[group.name]!;
    const known = Object.keys(groupValues).filter((key) => isAlertKey(key) && (groupValues[key] as { expr?: string }).expr);
    for (const alert of group.alerts) {
      const segments: Segments = ["rules", group.name, alert.name];
      if (!alert.source.expr) {
        findings.add("error", segments, `alert "${alert.name}" has no expr: it is not a built-in alert of group "${group.name}", so it needs an expression${suggestion(alert.name, known)}`, segments, true);
        continue;
      }
      checkExpression(findings, segments, alert.expr, alert.source.expr);
      const earlier = firstGroupOf.get(alert.name);
      if (earlier) findings.add("error", segments, `alert "${alert.name}" is also defined in group "${earlier}"; alert names must be unique so routes, inhibitions and runbooks can tell them apart`, segments, true);
      else firstGroupOf.set(alert.name, group.name);
    }
    for (const recording of group.recordings) {
      const segments: Segments = ["rules", group.name, "recording", recording.record];
      checkExpression(findings, segments, recording.expr, groupValues.recording![recording.record]!.expr);
    }
  }
}
