// Soundness of validate's PromQL and template checks, judged by promtool at the pinned version:
// every expression, duration and template validate refuses is refused by promtool too (so
// each expectation is the real tool's, not a guess), and a corpus of expressions and
// templates promtool accepts (every rule the packs and profiles render, plus edge cases)
// passes validate (so the checks are not stricter than Prometheus).
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { checkGoTemplate } from "../../generator/src/go-template.js";
import { prometheusTemplates } from "../../generator/src/go-template-dialects.js";
import { checkPromQLExpression } from "../../generator/src/promql-types.js";
import { loadPacks } from "../../generator/src/rules/packs.js";
import type { RuleGroups } from "../../generator/src/rules/model.js";
import { resolveProfileRules, resolveRules } from "../../generator/src/rules/resolve.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { createValidator } from "../../generator/src/validate/index.js";
import { profileFiles, run, tools } from "../helpers/tools.js";

/** One alert that promtool refuses: the field that is wrong and its value. */
interface BadCase {
  why: string;
  expr?: string;
  for?: string;
  keepFiringFor?: string;
  summary?: string;
  label?: string;
  /** promtool check rules accepts the file, but Prometheus cannot evaluate the rule: judged by promtool test rules. */
  evaluation?: true;
}

const bad: BadCase[] = [
  { why: "regex that does not compile", expr: 'up{job=~"("} == 0' },
  { why: "lookahead (JavaScript has it, RE2 does not)", expr: 'up{job=~"a(?=b)"} == 0' },
  { why: "backreference", expr: 'up{job=~"(a)\\\\1"} == 0' },
  { why: "regex in a negative matcher", expr: 'up{job!~"[z-a]"} == 0' },
  { why: "repeat count over 1000", expr: 'up{job=~"a{1001}"} == 0' },
  { why: "unknown string escape", expr: 'up{job="\\z"} == 0' },
  { why: "the other quote escaped in a single-quoted string", expr: "up{job='\\\"'} == 0" },
  { why: "short \\u escape", expr: 'up{job="\\u12"} == 0' },
  { why: "bad escape in a function argument", expr: 'label_replace(up, "a\\q", "$1", "b", "(.*)")' },
  { why: "0s range", expr: "rate(up[0s]) > 0" },
  { why: "0 range without unit", expr: "rate(up[0]) > 0" },
  { why: "0s subquery step", expr: "max_over_time(up[5m:0s]) > 0" },
  { why: "0s subquery range", expr: "max_over_time(up[0s:1m]) > 0" },
  { why: "range that overflows", expr: "rate(up[999999999999y]) > 0" },
  { why: "duration units out of order", expr: "rate(up[5m1h]) > 0" },
  { why: "metric name twice", expr: 'foo{__name__="b"} > 0' },
  { why: "only an empty matcher", expr: '{job=""} > 0' },
  { why: "only matchers that match the empty string", expr: '{job=~".*", env!="x"} > 0' },
  { why: "string topk parameter", expr: 'topk("3", up)' },
  { why: "instant vector where rate needs a range", expr: "rate(up) > 0" },
  { why: "too many arguments", expr: "rate(up[5m], 1) > 0" },
  { why: "too few arguments", expr: "histogram_quantile(up) > 0" },
  { why: "count_values with a number label", expr: "count_values(1, up)" },
  { why: "aggregation over a range vector", expr: "sum(up[5m])" },
  { why: "scalar argument where a vector is needed", expr: "abs(1) > 0" },
  { why: "string argument where a vector is needed", expr: 'abs("a") > 0' },
  { why: "scalar comparison without bool", expr: "time() > 5" },
  { why: "arithmetic on strings", expr: 'up + "a"' },
  { why: "unary minus on a string", expr: '-"a"' },
  { why: "set operator with a scalar", expr: "1 and up" },
  { why: "vector matching with a scalar", expr: "vector(1) + on(job) 1" },
  { why: "grouping on a set operator", expr: "up and on(job) group_left up" },
  { why: "label in on() and group_left()", expr: "up > on(job) group_left(job) up" },
  { why: "bool on arithmetic", expr: "up + bool 1" },
  { why: "range vector in a binary expression (range binds tighter)", expr: "up + up[5m]" },
  { why: "offset on a parenthesised expression", expr: "(up) offset 5m > 0" },
  { why: "offset twice", expr: "up offset 5m offset 1m > 0" },
  { why: "subquery of a range vector", expr: "max_over_time(up[5m][5m:1m]) > 0" },
  { why: "experimental function", expr: 'sort_by_label(up, "job")' },
  { why: "experimental aggregation", expr: "limitk(1, up)" },
  { why: "range vector as a rule's result", expr: "up[5m]", evaluation: true },
  { why: "string as a rule's result", expr: '"up"', evaluation: true },
  { why: "for that overflows", for: "999999999999y" },
  { why: "keep_firing_for that overflows", keepFiringFor: "300y" },
  { why: "annotation template with an unclosed action", summary: "{{ $value" },
  { why: "annotation template calling an undefined function", summary: '{{ fail "x" }}' },
  { why: "annotation template with an if and no end", summary: "{{ if gt $value 1.0 }}high" },
  { why: "annotation template with an undefined variable", summary: "{{ $undefined }}" },
  { why: "annotation template with an end too many", summary: "x{{ end }}" },
  { why: "annotation template with a bad string escape", summary: '{{ "a\\z" }}' },
  { why: "label template calling Alertmanager's function Prometheus lacks", label: '{{ "x" | safeUrl }}' },
];

// Expressions and templates promtool accepts that a careless checker would refuse.
const goodExpressions = [
  '{__name__="a", __name__="b"}',
  '{"up", job="x"}',
  'up + up offset 5m',
  '- up offset 5m',
  'up @ start()',
  'rate(up[1m:])',
  'max_over_time(up[5m:1m] offset 1h)',
  'rate(up[1m - 1m])',
  'up{job=~"(?<n>a)"}',
  'up{job=~"(?P<n>a)(?P<n>b)"}',
  'up{job=~"\\\\pL+"}',
  'up{job=~"(?i)abc\\\\z"}',
  'up{job=~"a|b|c"}',
  '{job=~".+"}',
  '{job!=""}',
  "up{job='a\\'b'}",
  'up{job="\\x41\\u00e9\\101"}',
  "up{job=~`\\d+`}",
  'label_replace(up, "a", "$1", "b", "(.*)")',
  'time() > bool 5',
  'count_values("v", up)',
  'sum by (job) (rate(up[5m])) > 0',
  'sum(rate(up[5m])) without (instance)',
  'scalar(up)',
  '1',
  'days_in_month()',
  'round(up)',
  'round(up, 0.5)',
  'label_join(up, "a", ",", "b", "c", "d")',
  'quantile_over_time(0.5, up[5m])',
  'up and on(job) up',
  'up > on(job) group_left(instance) up',
  'absent(up{job="x"})',
  'histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))',
  '-1 ^ 2 + +up',
  'predict_linear(up[6h], 4 * 3600) < 0',
  'topk(3, up) or vector(0)',
];
const goodTemplates = [
  "{{ range $k, $v := $labels }}{{ $k }}={{ $v }} {{ end }}",
  '{{ with query "up" }}{{ . | first | value | humanize }}{{ end }}',
  "{{ $value | }}",
  "{{/* a comment */}}x{{- /* trimmed */ -}}",
  '{{ if gt $value 1.0 }}high{{ else if eq $value 0.0 }}none{{ else }}low{{ end }}',
  '{{ printf "%.2f" $value }} {{ index $labels "job" }} {{ $externalURL }} {{ .Labels.job }}',
  "{{ $x := 1 }}{{ $x }} {{ 0x1F }} {{ 1e3 }} {{ -1 }} {{ 'a' }} {{ `raw` }}",
  '{{ range $labels }}{{ if . }}{{ break }}{{ end }}{{ end }}',
  '{{ define "x" }}y{{ end }}{{ template "x" }}',
  '{{ reReplaceAll "a" "b" $labels.job | toUpper | title }} {{ humanizeDuration $value }} {{ "1m" | parseDuration }}',
];

const validate = createValidator(buildContract(loadCatalogue()).umbrella, loadCatalogue());

function ruleFile(dir: string, name: string, rules: Array<Record<string, unknown>>): string {
  const file = join(dir, `${name}.rules.yaml`);
  writeFileSync(file, stringify({ groups: [{ name: "g", rules }] }));
  return file;
}

function nativeRule(badCase: BadCase): Record<string, unknown> {
  return {
    alert: "Case",
    expr: badCase.expr ?? "up == 0",
    ...(badCase.for ? { for: badCase.for } : {}),
    ...(badCase.keepFiringFor ? { keep_firing_for: badCase.keepFiringFor } : {}),
    labels: { severity: "warning", ...(badCase.label ? { team: badCase.label } : {}) },
    annotations: { summary: badCase.summary ?? "s", description: "d" },
  };
}

describe("semantics: validate refuses what promtool refuses in expressions, durations and templates", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-promql-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  bad.forEach((badCase, index) => {
    it(`refuses: ${badCase.why}`, () => {
      const rules = ruleFile(dir, `bad-${index}`, [nativeRule(badCase)]);
      if (badCase.evaluation) {
        const check = run(tools.promtool, ["check", "rules", rules]);
        expect(check.status, "promtool check rules lets it through; evaluation is the judge").to.equal(0);
        const test = join(dir, `bad-${index}.test.yaml`);
        writeFileSync(test, stringify({ rule_files: [rules], evaluation_interval: "1m", tests: [{ interval: "1m", input_series: [{ series: "up", values: "1x10" }], promql_expr_test: [{ expr: badCase.expr, eval_time: "5m", exp_samples: [] }] }] }));
        const result = run(tools.promtool, ["test", "rules", test]);
        expect(result.status, result.stdout + result.stderr).to.not.equal(0);
        expect(result.stdout + result.stderr).to.match(/not a vector or scalar/);
      } else {
        const check = run(tools.promtool, ["check", "rules", rules]);
        expect(check.status, `promtool accepted ${JSON.stringify(badCase)}:\n${check.stdout}${check.stderr}`).to.not.equal(0);
      }

      const profile = join(dir, `bad-${index}.yaml`);
      const alert: Record<string, unknown> = { expr: badCase.expr ?? "up == 0", severity: "warning", summary: badCase.summary ?? "s", description: "d" };
      if (badCase.for) alert.for = badCase.for;
      if (badCase.keepFiringFor) alert.keepFiringFor = badCase.keepFiringFor;
      if (badCase.label) alert.labels = { team: badCase.label };
      writeFileSync(profile, stringify({ rules: { custom: { Case: alert } } }));
      const report = validate([profile]);
      const field = badCase.expr ? "expr" : badCase.for ? "for" : badCase.keepFiringFor ? "keepFiringFor" : badCase.summary ? "summary" : "labels.team";
      const problem = report.problems.find((p) => p.severity === "error" && p.path === `rules.custom.Case.${field}`);
      expect(problem, `validate errors on rules.custom.Case.${field}; got ${JSON.stringify(report.problems)}`).to.not.equal(undefined);
      // The position inside the expression or template, when the problem is in one.
      if (field === "expr" || field === "summary" || field === "labels.team") expect(problem!.message).to.match(/\b1:\d+: /);
    });
  });

  it("accepts every rule the packs and profiles render, and edge cases promtool accepts", function () {
    this.timeout(120_000);
    const packs = loadPacks();
    const alerts: Array<Record<string, unknown>> = [];
    for (const file of profileFiles()) {
      const report = validate([file]);
      expect(report.errorCount, file).to.equal(0);
      for (const group of resolveProfileRules(report.profiles[0]!.values, packs)) {
        for (const alert of group.alerts) alerts.push({ alert: alert.name, expr: alert.expr, labels: alert.labels, annotations: alert.annotations });
        for (const recording of group.recordings) alerts.push({ record: recording.record, expr: recording.expr });
      }
    }
    // Every rule of every pack, switched on, with its default parameters.
    const everything = structuredClone(packs) as RuleGroups;
    for (const group of Object.values(everything)) {
      if (!group) continue;
      group.enabled = true;
      for (const rule of Object.values(group)) if (rule && typeof rule === "object" && "enabled" in rule) (rule as { enabled?: boolean }).enabled = true;
    }
    for (const group of resolveRules(everything, "https://runbooks.example")) {
      for (const alert of group.alerts) alerts.push({ alert: alert.name, expr: alert.expr, labels: alert.labels, annotations: alert.annotations });
      for (const recording of group.recordings) alerts.push({ record: recording.record, expr: recording.expr });
    }
    goodExpressions.forEach((expr, index) => alerts.push({ alert: `Edge${index}`, expr }));
    goodTemplates.forEach((summary, index) => alerts.push({ alert: `Template${index}`, expr: "up", annotations: { summary } }));
    const file = ruleFile(dir, "good", alerts);
    const check = run(tools.promtool, ["check", "rules", file]);
    expect(check.status, check.stdout + check.stderr).to.equal(0);

    let falsePositives = 0;
    const refused: string[] = [];
    for (const rule of alerts) {
      const problems = checkPromQLExpression(rule.expr as string, "rule");
      const templates = Object.values({ ...((rule.labels as Record<string, string>) ?? {}), ...((rule.annotations as Record<string, string>) ?? {}) }).map((text) => checkGoTemplate(text, prometheusTemplates)).filter(Boolean);
      if (problems.length + templates.length > 0) {
        falsePositives++;
        refused.push(`${rule.alert ?? rule.record}: ${JSON.stringify([...problems, ...templates])}`);
      }
    }
    expect(refused, `${falsePositives} of ${alerts.length} rules promtool accepts were refused`).to.deep.equal([]);
    console.log(`      ${alerts.length} rules promtool accepts, ${falsePositives} refused by validate`);
    expect(alerts.length).to.be.greaterThan(100);
  });
});
