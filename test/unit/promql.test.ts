import { expect } from "chai";
import { checkPromQL, formatPromQLError, lineAndColumn } from "../../generator/src/promql.js";

describe("unit: PromQL syntax check (lezer-promql at the pinned Prometheus version)", () => {
  const valid = [
    "up",
    'sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m]))',
    "histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))",
    '(1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes) * 100 * on(instance) group_left(nodename) node_uname_info{nodename=~".*"}',
    'count(ALERTS{alertstate="firing"}) or vector(0)',
    "predict_linear(node_filesystem_avail_bytes[6h], 4 * 3600) < 0",
    "max_over_time(up[1h:5m] offset 1d)",
    "rate(x[5m]) > 0.1 # a trailing comment",
    "sum without (instance) (\n  rate(x[5m])\n)",
  ];
  for (const expr of valid) {
    it(`accepts ${JSON.stringify(expr).slice(0, 70)}`, () => expect(checkPromQL(expr)).to.deep.equal([]));
  }

  it("rejects an unclosed aggregation at the offending token", () => {
    const [first, ...rest] = checkPromQL("sum(rate(x[5m]) by (a)");
    expect(first).to.deep.include({ offset: 16, line: 1, column: 17 });
    expect(first!.message).to.equal('unexpected "by"');
    expect(rest.every((error) => error.offset > first!.offset)).to.equal(true);
  });

  it("reports a missing closing bracket as the end of the expression", () => {
    expect(checkPromQL("rate(x[5m]")).to.deep.equal([{ offset: 10, line: 1, column: 11, message: "unexpected end of expression" }]);
    expect(checkPromQL('x{a="b"')[0]).to.deep.include({ offset: 7, message: "unexpected end of expression" });
  });

  it("rejects a binary operator without a right-hand side, and two operators in a row", () => {
    expect(checkPromQL("up ==")[0]).to.deep.include({ offset: 5, message: "unexpected end of expression" });
    expect(checkPromQL("1 +* 2")[0]).to.deep.include({ offset: 3, message: 'unexpected "*"' });
  });

  it("rejects two selectors without an operator", () => {
    expect(checkPromQL("foo bar")).to.deep.equal([{ offset: 4, line: 1, column: 5, message: 'unexpected "bar"' }]);
  });

  it("rejects an empty expression", () => {
    expect(checkPromQL("")[0]).to.deep.include({ offset: 0, message: "empty expression" });
    expect(checkPromQL("   ")[0]).to.deep.include({ message: "empty expression" });
  });

  it("gives line and column inside a multi-line expression", () => {
    const expr = "sum by (job) (\n  rate(x[5m]) +\n)";
    const [first] = checkPromQL(expr);
    expect(first).to.deep.include({ line: 3, column: 1 });
    expect(formatPromQLError(first!)).to.match(/^3:1: unexpected/);
    expect(lineAndColumn(expr, expr.indexOf("rate"))).to.deep.equal({ line: 2, column: 3 });
  });

  it("rejects a Grafana macro the caller did not expand", () => {
    expect(checkPromQL("rate(x[$__rate_interval])")[0]).to.deep.include({ offset: 7 });
  });
});
