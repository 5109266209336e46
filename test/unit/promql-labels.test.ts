// Which labels an expression keeps, read from its syntax tree (generator/src/promql-labels.ts),
// and the validate warning it drives: an inhibit rule's equal label that a source or target
// alert's expression drops.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { loadCatalogue } from "../../generator/src/catalogue.js";
import { labelLoss } from "../../generator/src/promql-labels.js";
import { buildContract } from "../../generator/src/schema/contract.js";
import { createValidator } from "../../generator/src/validate/index.js";
import { formatProblem } from "../../generator/src/validate/problem.js";
import { profileFiles, repoRoot } from "../helpers/tools.js";

const reason = (expr: string, label: string) => labelLoss(expr, label)?.reason;

describe("unit: labels an expression keeps (PromQL syntax tree)", () => {
  it("a selector and the functions that return its series keep every label", () => {
    for (const expr of ['up{job="a"} == 0', "rate(x[5m]) > 1", "histogram_quantile(0.9, sum by (le, namespace) (rate(b[5m])))", "clamp_min(x, 0)", "-x", "(x)", "x offset 5m", "round(x, 0.1)"]) {
      expect(labelLoss(expr, "namespace"), expr).to.equal(undefined);
    }
  });

  it("aggregations keep the by labels, all but the without labels, and nothing without a grouping", () => {
    expect(labelLoss("sum by (queue) (queue_jobs_pending) > 1000", "namespace")).to.deep.include({ line: 1, column: 1, reason: "sum by (queue) keeps only queue" });
    expect(labelLoss("sum by (queue, namespace) (x) > 1", "namespace")).to.equal(undefined);
    expect(reason("sum without (namespace) (x)", "namespace")).to.equal("sum without (namespace) removes it");
    expect(labelLoss("sum without (pod) (x)", "namespace")).to.equal(undefined);
    expect(reason("count(x) < 3", "namespace")).to.equal("count() without by or without keeps no labels");
    expect(labelLoss("topk(3, x)", "namespace"), "topk returns whole series").to.equal(undefined);
    expect(labelLoss('count_values("namespace", x)', "namespace")).to.equal(undefined);
    // The position points at the aggregation inside the expression.
    expect(labelLoss("100 * (1 - avg by (instance) (rate(x[5m]))) > 80", "namespace")).to.deep.include({ column: 12 });
  });

  it("vector matching: on keeps only its labels, ignoring removes them, group_left takes listed labels from the one side", () => {
    expect(reason("a > on (job) b", "namespace")).to.equal("> on (job) keeps only job");
    expect(labelLoss("a > on (job, namespace) b", "namespace")).to.equal(undefined);
    expect(reason("a / ignoring (namespace) b", "namespace")).to.equal("/ ignoring (namespace) removes it");
    expect(labelLoss("a * on (x) group_left (owner) sum by (x) (b)", "namespace"), "the many side keeps it").to.equal(undefined);
    expect(reason("a * on (x) group_left (namespace) sum by (x) (b)", "namespace")).to.equal("sum by (x) keeps only x");
    expect(reason("sum by (x) (a) * on (x) group_right b", "pod")).to.equal(undefined);
    expect(reason("sum by (x) (a) * on (x) group_right (pod) b", "pod")).to.equal("sum by (x) keeps only x");
  });

  it("set operators: and/unless keep the left side, or needs both sides", () => {
    expect(labelLoss("x and on () sum(y)", "namespace")).to.equal(undefined);
    expect(reason("x or vector(0)", "namespace")).to.equal("vector() has no labels");
    expect(reason("sum(x) unless y", "namespace")).to.equal("sum() without by or without keeps no labels");
  });

  it("functions: absent keeps only its selector's = matchers, label_replace and label_join add their target", () => {
    expect(labelLoss('absent(up{job="a", namespace="prod"})', "namespace")).to.equal(undefined);
    expect(reason('absent(up{job="a", namespace=~"prod"})', "namespace")).to.equal("absent() carries only the labels its selector sets with =");
    expect(reason('absent_over_time(up{job="a"}[5m])', "namespace")).to.equal("absent_over_time() carries only the labels its selector sets with =");
    expect(labelLoss('label_replace(sum(x), "namespace", "$1", "pod", "(.*)")', "namespace")).to.equal(undefined);
    expect(reason('label_replace(sum(x), "team", "$1", "pod", "(.*)")', "namespace")).to.equal("sum() without by or without keeps no labels");
    expect(labelLoss('label_join(sum(x), "namespace", "-", "a", "b")', "namespace")).to.equal(undefined);
    expect(reason("scalar(x) * 2", "namespace")).to.equal("an operation between scalars has no labels");
    expect(labelLoss("time() - x > 3", "namespace"), "vector op scalar keeps the vector's labels").to.equal(undefined);
  });

  it("follows a recorded series into the rule that records it", () => {
    const recordings = new Map([["job:errors:rate5m", { expr: "sum by (job) (rate(errors[5m]))", labels: {} }]]);
    expect(labelLoss("job:errors:rate5m > 0.1", "namespace", recordings)?.reason).to.equal("job:errors:rate5m is recorded by a rule whose expression drops it (sum by (job) keeps only job)");
    const labelled = new Map([["job:errors:rate5m", { expr: "sum by (job) (rate(errors[5m]))", labels: { namespace: "prod" } }]]);
    expect(labelLoss("job:errors:rate5m > 0.1", "namespace", labelled), "a static label of the recording").to.equal(undefined);
  });

  it("judges nothing in an expression that does not parse", () => {
    expect(labelLoss("sum by (queue (x)", "namespace")).to.equal(undefined);
  });
});

describe("unit: validate warns when an inhibit rule's equal label is dropped by an alert it selects", () => {
  const validate = createValidator(buildContract(loadCatalogue()).umbrella, loadCatalogue());
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-inhibit-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function inhibitionWarnings(name: string, profile: string): string[] {
    const file = join(dir, name);
    writeFileSync(file, profile);
    const report = validate([file]);
    expect(report.errorCount, report.problems.map(formatProblem).join("\n")).to.equal(0);
    return report.problems.filter((p) => p.path.startsWith("alertmanager.inhibitRules")).map((p) => formatProblem(p).replace(`${dir}/`, ""));
  }

  const queue = (equal: string, extra = "") => `alertmanager:
  enabled: true
  inhibitRules:
    - name: critical-backlog
      sourceMatchers: ['alertname="QueueCriticalBacklog"']
      targetMatchers: ['alertname="QueueHighBacklog"']
      equal: [${equal}]
rules:
  queue: { enabled: true }
${extra}`;

  it("names the rule, the alert and the lost label, at the equal entry", () => {
    const warnings = inhibitionWarnings("sum-by-queue.yaml", queue("queue, namespace"));
    expect(warnings).to.have.length(2);
    expect(warnings[0]).to.match(/^sum-by-queue\.yaml:7:22: alertmanager\.inhibitRules\[0\]\.equal\[1\]: warning: inhibit rule "critical-backlog" needs equal label "namespace", but its source alert QueueCriticalBacklog \(rules\.queue\.QueueCriticalBacklog\) never has it: at 1:1 of its expression, sum by \(queue\) keeps only queue\./);
    expect(warnings[1]).to.contain("its target alert QueueHighBacklog (rules.queue.QueueHighBacklog)");
  });

  it("is quiet when the label is kept, static on the alert, or an external label of the chart's Prometheus", () => {
    expect(inhibitionWarnings("kept.yaml", queue("queue"))).to.deep.equal([]);
    expect(inhibitionWarnings("external.yaml", queue("cluster", "global:\n  clusterName: prod\n"))).to.deep.equal([]);
    const staticLabel = queue("namespace").replace("queue: { enabled: true }", "queue:\n    enabled: true\n    QueueHighBacklog: { labels: { namespace: jobs } }\n    QueueCriticalBacklog: { labels: { namespace: jobs } }");
    expect(inhibitionWarnings("static.yaml", staticLabel)).to.deep.equal([]);
  });

  it("leaves the five seed profiles clean", function () {
    this.timeout(60_000);
    const report = validate(profileFiles());
    const found = report.problems.filter((p) => p.path.startsWith("alertmanager.inhibitRules")).map(formatProblem);
    expect(found).to.deep.equal([]);
    expect(report.profiles.map((p) => basename(p.source.file))).to.have.length(5);
  });

  // jobpilot's RabbitMQDown rule compares cluster, which its queue alerts aggregate away: only
  // the external label from global.clusterName gives every alert one. Without it, the check fires.
  it("sees jobpilot's RabbitMQ inhibition lose cluster once the external label is gone (the seed check can fail)", () => {
    const text = readFileSync(join(repoRoot, "values", "jobpilot.yaml"), "utf8");
    expect(text).to.contain("  clusterName: jobpilot\n");
    const warnings = inhibitionWarnings("jobpilot-no-cluster.yaml", text.replace("  clusterName: jobpilot\n", ""));
    expect(warnings.map((w) => /its target alert (\w+)/.exec(w)?.[1]).sort()).to.deep.equal(["RabbitMQConsumerDown", "RabbitMQHighConnections", "RabbitMQHighQueue", "RabbitMQHighUnackedMessages", "RabbitMQNodeDown"]);
    expect(warnings.every((w) => w.includes('needs equal label "cluster"'))).to.equal(true);
  });
});
