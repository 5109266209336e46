// The rules the chart renders, judged by promtool: every rule file passes `promtool check
// rules`, and generated unit tests prove that every alert of every profile fires when its
// input crosses the threshold for longer than `for`, with the expected labels and rendered
// annotations, and stays quiet on the safe side.
import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { stringify } from "yaml";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { loadPacks } from "../../generator/src/rules/packs.js";
import { promtoolTests } from "../../generator/src/rules/promtool-tests.js";
import { resolveProfileRules, ruleFileName } from "../../generator/src/rules/resolve.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { createValidator } from "../../generator/src/validate/index.js";
import { ruleGroupsOf } from "../../generator/src/render/extract.js";
import { helmTemplate, parseObjects, RELEASE, type K8sObject } from "../helpers/render.js";
import { profileFiles, repoRoot, run, tools } from "../helpers/tools.js";

interface RuleGroupFile {
  name: string;
  rules: Array<{ alert?: string; record?: string; expr: string; labels?: Record<string, string> }>;
}

/** The rule groups of a rendered chart: from the rules ConfigMap, or the PrometheusRule in operator mode. */
export function renderedRuleGroups(objects: K8sObject[]): RuleGroupFile[] {
  return ruleGroupsOf(objects, RELEASE) as RuleGroupFile[];
}

const cases = [...profileFiles(), join(repoRoot, "test", "fixtures", "all-enabled.yaml")];
const validate = createValidator(buildContract(loadCatalogue()).umbrella, loadCatalogue());
const packs = loadPacks();

describe("semantics: rendered rules (promtool check rules, generated promtool test rules)", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-rules-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const file of cases) {
    const name = basename(file, ".yaml");
    it(`${name}: every rendered rule file passes promtool check rules, every alert passes its generated tests`, function () {
      this.timeout(120_000);
      const groups = renderedRuleGroups(parseObjects(helmTemplate([file])));
      expect(groups, "rendered rule groups").to.not.be.empty;
      const caseDir = join(dir, name);
      mkdirSync(caseDir);
      const ruleFile = (group: string) => join(caseDir, `${group}.rules.yaml`);
      for (const group of groups) writeFileSync(ruleFile(group.name), stringify({ groups: [group] }));

      const check = run(tools.promtool, ["check", "rules", ...groups.map((g) => ruleFile(g.name))]);
      expect(check.status, check.stdout + check.stderr).to.equal(0);

      const report = validate([file]);
      expect(report.errorCount, "profile validates").to.equal(0);
      const profile = report.profiles[0]!;
      const model = resolveProfileRules(profile.values, packs);
      const tests = promtoolTests(model, ruleFile, profile.values.prometheus?.evaluationInterval ?? "1m");
      const testFiles = [...tests].map(([group, content]) => {
        const path = join(caseDir, `${group}.test.yaml`);
        writeFileSync(path, stringify(content));
        return path;
      });
      // Every keyed alert Helm rendered has its two tests: the model and the chart agree. The
      // native rules list comes first and carries no test inputs.
      const nativeCount = (group: string) => model.find((g) => g.name === group)?.native.length ?? 0;
      const renderedAlerts = groups.flatMap((g) => g.rules.slice(nativeCount(g.name)).filter((r) => r.alert).map((r) => `${g.name}/${r.alert}`)).sort();
      const testedAlerts = [...tests.values()].flatMap((t) => t.tests.map((c) => (c as { name: string }).name)).filter((n) => n.endsWith(" fires")).map((n) => n.replace(/ fires$/, "")).sort();
      expect(testedAlerts).to.deep.equal(renderedAlerts);

      const result = run(tools.promtool, ["test", "rules", ...testFiles]);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
    });
  }

  it("every generated runbook_url points at a generated runbook page", () => {
    const base = "https://github.com/promstack/promstack/blob/main/";
    for (const file of cases) {
      for (const group of renderedRuleGroups(parseObjects(helmTemplate([file])))) {
        for (const rule of group.rules.filter((r) => r.alert)) {
          const url = (rule as { annotations?: Record<string, string> }).annotations?.runbook_url;
          if (url === undefined || !url.startsWith(base)) continue;
          const page = url.replace(base, "");
          expect(page, `${basename(file)} ${rule.alert}`).to.equal(`docs/runbooks/${ruleFileName(group.name)}/${rule.alert}.md`);
          expect(existsSync(join(repoRoot, page)), `${page} exists`).to.equal(true);
        }
      }
    }
  });

  // raspberry-pi renders the node pack's HighTemperature in its own group "infrastructure" (from: node).
  it("a threshold set in values changes the rendered expression", () => {
    const groups = renderedRuleGroups(parseObjects(helmTemplate([join(repoRoot, "values", "raspberry-pi.yaml")], ["--set", "rules.infrastructure.HighTemperature.threshold=61"])));
    const rule = groups.find((g) => g.name === "infrastructure")!.rules.find((r) => r.alert === "HighTemperature")!;
    expect(rule.expr).to.equal('max by (instance) (node_hwmon_temp_celsius{job="node-exporter"}) > 61');
  });

  it("a generated test fails when the rule does not do what its test says (the check can fail)", () => {
    const caseDir = join(dir, "tampered");
    mkdirSync(caseDir);
    const groups = renderedRuleGroups(parseObjects(helmTemplate([join(repoRoot, "values", "raspberry-pi.yaml")], ["--set", "rules.infrastructure.HighTemperature.expr=vector(0) > 1"])));
    const nodeFile = join(caseDir, "infrastructure.rules.yaml");
    writeFileSync(nodeFile, stringify({ groups: [groups.find((g) => g.name === "infrastructure")] }));
    const report = validate([join(repoRoot, "values", "raspberry-pi.yaml")]);
    const model = resolveProfileRules(report.profiles[0]!.values, packs).filter((g) => g.name === "infrastructure");
    const testFile = join(caseDir, "infrastructure.test.yaml");
    writeFileSync(testFile, stringify(promtoolTests(model, () => nodeFile, "30s").get("infrastructure")));
    const result = run(tools.promtool, ["test", "rules", testFile]);
    expect(result.status).to.equal(1);
    expect(result.stdout + result.stderr).to.contain("HighTemperature");
  });
});

describe("semantics: an alert that starts from another group's alert (from)", () => {
  const rpi = join(repoRoot, "values", "raspberry-pi.yaml");

  it("takes the pack's expression and parameters, its own keys winning", () => {
    const groups = renderedRuleGroups(parseObjects(helmTemplate([rpi])));
    const rule = groups.find((g) => g.name === "infrastructure")!.rules.find((r) => r.alert === "HighCPUUsage")!;
    expect(rule.expr).to.equal('100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle", job="node-exporter"}[5m]))) > 80');
    expect(rule.labels).to.deep.equal({ component: "infrastructure", severity: "warning" });
    expect(groups.find((g) => g.name === "node"), "the node pack itself is off").to.equal(undefined);
  });

  it("naming a missing alert fails in the chart and in the generator, with where it is", () => {
    const result = run(tools.helm, ["template", RELEASE, join(repoRoot, "charts", "promstack"), "-f", rpi, "--set", "rules.infrastructure.NodeDown.from=nodes"]);
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.contain('rules.infrastructure.NodeDown.from: group "nodes" has no alert NodeDown');
    const values = validate([rpi]).profiles[0]!.values;
    const broken = { ...values, rules: { ...values.rules, infrastructure: { ...values.rules!.infrastructure, NodeDown: { from: "nodes" } } } };
    expect(() => resolveProfileRules(broken, packs)).to.throw('rules.infrastructure.NodeDown.from: group "nodes" has no alert NodeDown');
  });
});

// The generated tests must be able to fail: each mutant below is a rendered rule file with one
// alert broken the way a template or pack edit could break it, judged by that alert's own
// generated tests. A mutant that passes them is a defect the tests cannot see.
describe("semantics: the generated tests kill mutants of every pack alert (for deleted, > made >=)", () => {
  const allEnabled = join(repoRoot, "test", "fixtures", "all-enabled.yaml");
  let dir: string;
  let groups: RuleGroupFile[];
  let model: ReturnType<typeof resolveProfileRules>;
  let evaluationInterval: string;
  before(function () {
    this.timeout(120_000);
    dir = mkdtempSync(join(tmpdir(), "promstack-mutants-"));
    groups = renderedRuleGroups(parseObjects(helmTemplate([allEnabled])));
    const values = validate([allEnabled]).profiles[0]!.values;
    model = resolveProfileRules(values, packs);
    evaluationInterval = values.prometheus?.evaluationInterval ?? "1m";
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Alerts whose mutant passed their tests: each alert's rule mutated alone, judged by its tests only. */
  function survivors(mutate: (rule: RuleGroupFile["rules"][number]) => boolean): { mutated: string[]; survived: string[] } {
    const mutated: string[] = [];
    const survived: string[] = [];
    for (const group of model) {
      for (const alert of group.alerts) {
        const where = `${group.name}/${alert.name}`;
        const rendered = structuredClone(groups.find((g) => g.name === group.name)!);
        const rule = rendered.rules.find((r) => r.alert === alert.name)!;
        if (!mutate(rule)) continue;
        mutated.push(where);
        const base = join(dir, `${group.name}-${alert.name}-${mutated.length}`);
        writeFileSync(`${base}.rules.yaml`, stringify({ groups: [rendered] }));
        const file = promtoolTests([{ ...group, alerts: [alert] }], () => `${base}.rules.yaml`, evaluationInterval).get(group.name)!;
        writeFileSync(`${base}.test.yaml`, stringify(file));
        const result = run(tools.promtool, ["test", "rules", `${base}.test.yaml`]);
        if (result.status === 0) survived.push(where);
        else expect(result.status, result.stdout + result.stderr).to.equal(1);
      }
    }
    return { mutated, survived };
  }

  it("deleting an alert's for fails its tests", function () {
    this.timeout(120_000);
    const { mutated, survived } = survivors((rule) => {
      const withFor = rule as { for?: string };
      if (!withFor.for) return false;
      delete withFor.for;
      return true;
    });
    expect(mutated.length, "alerts with a for").to.be.greaterThan(30);
    expect(survived).to.deep.equal([]);
  });

  it("turning an alert's final > or < into >= or <= fails its tests (its safe input sits on the threshold)", function () {
    this.timeout(120_000);
    const { mutated, survived } = survivors((rule) => {
      const match = /\s([<>])\s*(-?[0-9.e+]+)$/.exec(rule.expr);
      if (!match) return false;
      rule.expr = `${rule.expr.slice(0, match.index)} ${match[1]}= ${match[2]}`;
      return true;
    });
    expect(mutated.length, "alerts that end in a comparison with a number").to.be.greaterThan(20);
    expect(survived).to.deep.equal([]);
  });
});
