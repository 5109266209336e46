// The rule model's reach, judged by promtool: the native rules list (order, names and repeats the
// keyed form cannot hold, limit, query_offset), the evaluation order of keyed recordings, the $${
// escape, texts derived from parameters and runbook links. Each case also proves the generator's
// model (resolve.ts) renders exactly what Helm renders, since validate and tests rely on it.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { loadPacks } from "../../generator/src/rules/packs.js";
import { resolveProfileRules, ruleFileName, ruleGroupFile } from "../../generator/src/rules/resolve.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { createValidator } from "../../generator/src/validate/index.js";
import { helmTemplate, parseObjects, RELEASE } from "../helpers/render.js";
import { promstack, repoRoot, run, tools } from "../helpers/tools.js";
import { renderedRuleGroups } from "./rules.test.js";

const fixture = (name: string) => join(repoRoot, "test", "fixtures", "rules", name);
const validate = createValidator(buildContract(loadCatalogue()).umbrella, loadCatalogue());
const packs = loadPacks();

/** The group as Helm renders it, and as the generator's model says it renders. */
function renderedAndModel(file: string, group: string): { rendered: Record<string, unknown>; model: Record<string, unknown> } {
  const rendered = renderedRuleGroups(parseObjects(helmTemplate([file]))).find((g) => g.name === group);
  expect(rendered, `group ${group} rendered`).to.not.equal(undefined);
  const report = validate([file]);
  expect(report.errorCount, JSON.stringify(report.problems)).to.equal(0);
  const resolved = resolveProfileRules(report.profiles[0]!.values, packs).find((g) => g.name === group)!;
  return { rendered: rendered as unknown as Record<string, unknown>, model: ruleGroupFile(resolved) };
}

describe("semantics: the rule model (native rules list, order, escapes, texts, runbook links)", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-rule-model-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const writeRules = (name: string, group: unknown) => {
    const path = join(dir, `${name}.rules.yaml`);
    writeFileSync(path, stringify({ groups: [group] }));
    return path;
  };
  const promtoolTest = (name: string, content: object) => {
    const path = join(dir, `${name}.test.yaml`);
    writeFileSync(path, stringify(content));
    return run(tools.promtool, ["test", "rules", path]);
  };

  it("a native rules list renders first, verbatim and in order, with limit and query_offset; promtool accepts it", () => {
    const group = "kube.apiserver rules";
    const { rendered, model } = renderedAndModel(fixture("native.yaml"), group);
    expect(rendered).to.deep.equal(model);
    const rules = rendered.rules as Array<Record<string, unknown>>;
    expect(rules.map((rule) => rule.alert ?? rule.record)).to.deep.equal(["code:requests:rate5m", "code:requests:rate5m", "KubeAPIErrorsHigh", "KubeAPIErrorsHigh", "disk usage (>80%)", "lowercaseAlert", "APIServerDown"]);
    expect(rendered).to.include({ limit: 100, query_offset: "30s", interval: "1m" });
    expect(rules[1]!.labels).to.deep.equal({ team: "platform", verb: "LIST" });
    expect(rules[3]).to.deep.include({ keep_firing_for: "10m", labels: { severity: "critical", team: "apiserver" } });
    // Verbatim: no placeholder substitution and no runbook_url in the list.
    expect(rules[2]!.annotations).to.deep.equal({ summary: "API server errors at {{ $value | humanizePercentage }} (${1} stays as written)" });
    expect(rules[4]!.expr).to.equal('label_replace(vector(1), "dst", "${1}", "src", "(.*)") > 0');
    expect((rules[6]!.annotations as Record<string, string>).summary).to.equal("The API server has been down for 15m");

    const configMap = parseObjects(helmTemplate([fixture("native.yaml")])).find((o) => o.kind === "ConfigMap" && o.metadata.name === `${RELEASE}-prometheus-rules`) as unknown as { data: Record<string, string> };
    expect(Object.keys(configMap.data)).to.include(`${ruleFileName(group)}.yaml`);
    expect(ruleFileName(group)).to.match(/^kube-apiserver-rules-[0-9a-f]{10}$/);

    const check = run(tools.promtool, ["check", "rules", writeRules("native", rendered)]);
    expect(check.status, check.stdout + check.stderr).to.equal(0);
  });

  it("keyed recordings run sorted by name, so one reading another sees a stale value (promtool test); the list keeps the author's order", () => {
    const copyAt5m = (name: string, expected: number) => {
      const { rendered, model } = renderedAndModel(fixture(`${name}.yaml`), "order");
      expect(rendered).to.deep.equal(model);
      return promtoolTest(`${name}-${expected}`, {
        rule_files: [writeRules(name, rendered)],
        evaluation_interval: "1m",
        tests: [
          {
            interval: "1m",
            input_series: [{ series: 'input{job="a"}', values: "0+1x10" }],
            promql_expr_test: [{ expr: "job:a:copy", eval_time: "5m", exp_samples: [{ labels: 'job:a:copy{job="a"}', value: expected }] }],
          },
        ],
      });
    };
    // input is 5 at 5m: in the author's order the copy is 5, sorted by name it is the previous evaluation's 4.
    expect(copyAt5m("order-native", 5).status, "list order").to.equal(0);
    expect(copyAt5m("order-keyed", 5).status, "keyed order is not the author's").to.equal(1);
    expect(copyAt5m("order-keyed", 4).status, "keyed order reads the previous evaluation").to.equal(0);
  });

  it("validate warns, with the rule's path, when a keyed recording reads a series recorded after it; not for the list", () => {
    const keyed = promstack(["validate", fixture("order-keyed.yaml")]);
    expect(keyed.status, keyed.stderr).to.equal(0);
    expect(keyed.stdout).to.contain(`${fixture("order-keyed.yaml")}:10:15: rules.order.recording["job:a:copy"].expr: warning: recording job:a:copy reads job:b:value, which recording job:b:value of group "order" records later in the same evaluation, so it sees the value of the previous evaluation: keyed recordings run sorted by name; write both in rules.order.rules, in the order they must run`);
    const native = promstack(["validate", fixture("order-native.yaml")]);
    expect(native.status, native.stderr).to.equal(0);
    expect(native.stdout).to.not.contain("reads job:b:value");
  });

  it("$${ renders a literal ${ in a keyed expression and text (label_replace's ${1} reaches Prometheus), in Helm and the model", () => {
    const { rendered, model } = renderedAndModel(fixture("escape.yaml"), "escape");
    expect(rendered).to.deep.equal(model);
    const rule = (rendered.rules as Array<Record<string, unknown>>)[0]!;
    expect(rule.expr).to.equal('label_replace(up{job=~".+-exporter"}, "service", "${1}", "job", "(.*)-exporter") == 0');
    const result = promtoolTest("escape", {
      rule_files: [writeRules("escape", rendered)],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [{ series: 'up{job="node-exporter", instance="n:9100"}', values: "0x10" }],
          alert_rule_test: [
            {
              eval_time: "5m",
              alertname: "CopiedJobDown",
              exp_alerts: [{ exp_labels: { job: "node-exporter", instance: "n:9100", service: "node", severity: "warning" }, exp_annotations: { summary: "node is down (for 2m; ${literal})" } }],
            },
          ],
        },
      ],
    });
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    // A placeholder no parameter defines still fails, in the chart as in validate.
    const helm = run(tools.helm, ["template", RELEASE, join(repoRoot, "charts", "promstack"), "-f", fixture("escape.yaml"), "--set-string", "rules.escape.CopiedJobDown.expr=up{$${1}${nope}} == 0"]);
    expect(helm.status).to.not.equal(0);
    expect(helm.stderr).to.contain("rules.escape.CopiedJobDown: the expression refers to a parameter it does not define");
  });

  it("runbook_url: the user's annotation is kept, runbookUrl next, a page link only for alerts with runbook text", () => {
    const file = fixture("runbooks.yaml");
    const base = "https://github.com/promstack/promstack/blob/main/docs/runbooks";
    const urls = (group: string) => {
      const { rendered, model } = renderedAndModel(file, group);
      expect(rendered).to.deep.equal(model);
      return Object.fromEntries((rendered.rules as Array<{ alert: string; annotations: Record<string, string> }>).map((rule) => [rule.alert, rule.annotations.runbook_url]));
    };
    expect(urls("custom")).to.deep.equal({ Bare: undefined, WithText: `${base}/custom/WithText.md`, WithUrl: "https://wiki.example/with-url" });
    const node = urls("node");
    expect(node.NodeDown).to.equal("https://wiki.example/node-down");
    expect(node.HighCPUUsage).to.equal(`${base}/node/HighCPUUsage.md`);
  });

  it("pack texts follow the parameters they state: for, window", () => {
    const groups = renderedRuleGroups(parseObjects(helmTemplate([join(repoRoot, "test", "fixtures", "all-enabled.yaml")], ["--set", "rules.kubernetes.PodNotReady.for=45m", "--set", "rules.kubernetes.PodCrashLooping.window=1h"])));
    const rules = groups.find((g) => g.name === "kubernetes")!.rules as Array<{ alert?: string; annotations?: Record<string, string> }>;
    expect(rules.find((r) => r.alert === "PodNotReady")!.annotations!.description).to.contain("has not been ready for 45m.");
    expect(rules.find((r) => r.alert === "PodCrashLooping")!.annotations!.description).to.contain("times in 1h.");
  });
});
