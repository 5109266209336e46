// promtool unit tests generated from the rule model: for every alert, input series that cross
// its threshold for longer than its `for` (the alert must fire with the expected labels and
// rendered annotations) and series on the safe side (it must stay quiet). The rule files under
// test are the ones Helm rendered, so the tests judge the chart, not this model.
//
// `for` is judged by behaviour, not only by waiting it out: with the firing inputs the alert is
// still quiet one evaluation before `for` can have elapsed, and Prometheus' own ALERTS series
// shows it pending for exactly as many evaluations as `for` spans. A rendered rule that loses
// its `for`, or gets a shorter or longer one, fails here.
import { durationSeconds } from "../duration.js";
import { renderAnnotation } from "./annotation-template.js";
import { evaluateFormula, interpolateFormulas, type Scope } from "./formula.js";
import { goFormatG } from "./go-format.js";
import type { ResolvedAlert, ResolvedGroup, TestSeries } from "./model.js";

export interface PromtoolTestFile {
  rule_files: string[];
  evaluation_interval: string;
  tests: object[];
}

export class TestGenerationError extends Error {}

/** Numeric parameters, with durations as seconds, for test formulas. */
function scopeOf(alert: ResolvedAlert): Scope {
  const scope: Scope = {};
  for (const [name, value] of Object.entries(alert.parameters)) {
    if (typeof value === "number") scope[name] = value;
    else if (/^(\d+(ms|y|w|d|h|m|s))+$/.test(value)) scope[name] = durationSeconds(value);
  }
  if (alert.for) scope.for = durationSeconds(alert.for);
  return scope;
}

/** The longest range selector of an expression ([5m], [1h]...), in seconds. */
function longestRange(expr: string): number {
  return Math.max(0, ...[...expr.matchAll(/\[((?:\d+(?:ms|y|w|d|h|m|s))+)(?::[^\]]*)?\]/g)].map((match) => durationSeconds(match[1]!)));
}

function inputSeries(series: TestSeries, scope: Scope, intervalSeconds: number, steps: number): { series: string; values: string } {
  const name = interpolateFormulas(series.series, scope, (value) => goFormatG(value));
  if (series.values !== undefined) return { series: name, values: series.values };
  if (series.gauge !== undefined) return { series: name, values: `${goFormatG(evaluateFormula(series.gauge, scope))}x${steps}` };
  const increase = evaluateFormula(series.counter!, scope) * intervalSeconds;
  return { series: name, values: `0+${goFormatG(increase)}x${steps}` };
}

/** A label set in promtool's series notation: {a="1", b="2"}. */
function promqlLabels(labels: Record<string, string>): string {
  return `{${Object.entries(labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`).join(", ")}}`;
}

function alertTests(alert: ResolvedAlert, evaluationSeconds: number): object[] {
  const test = alert.source.test;
  if (!test) throw new TestGenerationError(`rules.${alert.group}.${alert.name} has no test: give it test.fire and test.safe input series`);
  const interval = test.interval ?? "1m";
  const intervalSeconds = durationSeconds(interval);
  // Long enough for the longest range to fill, the alert to turn pending and then firing.
  const evalSeconds = Math.ceil((longestRange(alert.expr) + (alert.for ? durationSeconds(alert.for) : 0) + 3 * Math.max(evaluationSeconds, intervalSeconds)) / intervalSeconds) * intervalSeconds;
  // evalTime lets an input that is compared with time() sit exactly on the threshold then.
  const scope = { evalTime: evalSeconds, ...scopeOf(alert) };
  const steps = evalSeconds / intervalSeconds + 2;
  const value = test.value === undefined ? undefined : evaluateFormula(test.value, scope);
  const seriesLabels = Object.fromEntries(Object.entries(test.labels ?? {}).map(([key, label]) => [key, String(label)]));
  const annotations = Object.fromEntries(Object.entries(alert.annotations).map(([key, template]) => [key, renderAnnotation(template, seriesLabels, value)]));
  const where = `${alert.group}/${alert.name}`;
  const evalTime = `${evalSeconds}s`;
  const labels = { ...seriesLabels, ...alert.labels };
  const forSeconds = alert.for ? durationSeconds(alert.for) : 0;
  // Evaluations the alert spends pending: from the first true one until `for` has elapsed.
  const pendingEvaluations = Math.ceil(forSeconds / evaluationSeconds);
  // The expression turns true at the first evaluation at the earliest (t=0), so the alert cannot
  // fire before the evaluation at pendingEvaluations × interval; the one before must be quiet.
  const beforeFor = pendingEvaluations > 0 ? [{ eval_time: `${(pendingEvaluations - 1) * evaluationSeconds}s`, alertname: alert.name, exp_alerts: [] }] : [];
  // Pending evaluations of the activation that fires at eval time: those whose ALERTS_FOR_STATE
  // (the activation's start) is the one at eval time, so an earlier activation does not count.
  const selector = (name: string, state = "") => `${name}{alertname=${JSON.stringify(alert.name)}${state}}`;
  const current = `${selector("ALERTS_FOR_STATE")} == ${selector("ALERTS_FOR_STATE")} @ end()`;
  const pending = `count_over_time((${selector("ALERTS", ', alertstate="pending"')} and ignoring(alertstate) (${current}))[${evalSeconds + evaluationSeconds}s:${evaluationSeconds}s])`;
  return [
    {
      name: `${where} fires`,
      interval,
      input_series: test.fire.map((series) => inputSeries(series, scope, intervalSeconds, steps)),
      alert_rule_test: [...beforeFor, { eval_time: evalTime, alertname: alert.name, exp_alerts: [{ exp_labels: labels, exp_annotations: annotations }] }],
      promql_expr_test: [{ expr: pending, eval_time: evalTime, exp_samples: pendingEvaluations > 0 ? [{ labels: promqlLabels({ alertname: alert.name, alertstate: "pending", ...labels }), value: pendingEvaluations }] : [] }],
    },
    {
      name: `${where} stays quiet`,
      interval,
      input_series: test.safe.map((series) => inputSeries(series, scope, intervalSeconds, steps)),
      alert_rule_test: [{ eval_time: evalTime, alertname: alert.name, exp_alerts: [] }],
    },
  ];
}

/** One test file per rule group, over the rendered rule file of that group. */
export function promtoolTests(groups: ResolvedGroup[], ruleFileOf: (group: string) => string, evaluationInterval: string): Map<string, PromtoolTestFile> {
  const files = new Map<string, PromtoolTestFile>();
  for (const group of groups) {
    if (group.alerts.length === 0) continue;
    const interval = group.interval ?? evaluationInterval;
    files.set(group.name, {
      rule_files: [ruleFileOf(group.name)],
      evaluation_interval: interval,
      tests: group.alerts.flatMap((alert) => alertTests(alert, durationSeconds(interval))),
    });
  }
  return files;
}
