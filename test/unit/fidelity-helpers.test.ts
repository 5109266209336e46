// The pieces the fidelity check judges with: comparisons read from PromQL syntax trees, and
// Alertmanager's routing and inhibition semantics.
import { expect } from "chai";
import { inhibits, matchRoutes, parseMatcher, type RouteConfig } from "../../generator/src/explain/route-tree.js";
import { comparisonOps, comparisons, metricNames, quantiles, rangeSeconds } from "../helpers/promql-facts.js";

describe("unit: PromQL facts for the fidelity check", () => {
  it("reads a comparison with a constant, turning a constant on the left around", () => {
    expect(comparisons("rate(x[5m]) > 0.1")).to.deep.include({ op: ">", value: 0.1, text: "rate(x[5m]) > 0.1" });
    expect(comparisons("15 > 100 * a / b").map((c) => [c.op, c.value])).to.deep.equal([["<", 15]]);
  });

  it("evaluates constant arithmetic and ignores comparisons between two series", () => {
    expect(comparisons("increase(x[1m]) >= 10 / 60").map((c) => c.value)).to.deep.equal([10 / 60]);
    expect(comparisons("a != b")).to.deep.equal([]);
    expect(comparisonOps("a != b")).to.deep.equal(["!="]);
  });

  it("finds nested comparisons, e.g. both sides of an or", () => {
    const found = comparisons('sum by (job) (up{job="api"}) == 0 or absent(up{job="api"})');
    expect(found.map((c) => `${c.op} ${c.value}`)).to.deep.equal(["== 0"]);
  });

  it("lists metrics, quantiles and ranges", () => {
    const expr = 'histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{job="a"}[5m]))) > 2 and on() gorax:rate:5m > 0';
    expect(metricNames(expr)).to.have.members(["http_request_duration_seconds_bucket", "gorax:rate:5m"]);
    expect(quantiles(expr)).to.deep.equal([0.95]);
    expect(rangeSeconds(expr)).to.deep.equal([300]);
  });

  it("rejects an expression that does not parse", () => {
    expect(() => comparisons("rate(x[5m] > 1")).to.throw(/PromQL syntax error/);
  });
});

describe("unit: Alertmanager routing and inhibition model", () => {
  const tree: RouteConfig = {
    receiver: "default",
    group_wait: "30s",
    routes: [
      { matchers: ['severity="critical"'], receiver: "pager", group_wait: "10s", continue: true },
      { matchers: ["team=~db|data"], receiver: "db" },
      { matchers: ['severity="warning"'], receiver: "chat" },
    ],
  };

  it("parses matchers with quoted and unquoted values", () => {
    expect(parseMatcher('alertname!="Watchdog"')).to.deep.equal({ name: "alertname", op: "!=", value: "Watchdog" });
    expect(parseMatcher("team=~db|data")).to.deep.equal({ name: "team", op: "=~", value: "db|data" });
  });

  it("walks the tree as Alertmanager does: first match wins unless continue, settings inherited", () => {
    expect(matchRoutes(tree, { severity: "critical", team: "db" }).map((r) => [r.receiver, r.groupWait, r.continue])).to.deep.equal([["pager", "10s", true], ["db", "30s", false]]);
    expect(matchRoutes(tree, { severity: "warning", team: "db" }).map((r) => r.receiver)).to.deep.equal(["db"]);
    expect(matchRoutes(tree, { severity: "info" }).map((r) => r.receiver)).to.deep.equal(["default"]);
  });

  it("inhibits only when the equal labels are equal", () => {
    const rules = [{ source_matchers: ['alertname="Down"'], target_matchers: ['alertname=~"Slow|Errors"'], equal: ["service"] }];
    expect(inhibits(rules, { alertname: "Down", service: "a" }, { alertname: "Slow", service: "a" })).to.equal(true);
    expect(inhibits(rules, { alertname: "Down", service: "a" }, { alertname: "Slow", service: "b" })).to.equal(false);
    expect(inhibits(rules, { alertname: "Down", service: "a" }, { alertname: "Other", service: "a" })).to.equal(false);
  });
});
