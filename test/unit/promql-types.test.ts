import { expect } from "chai";
import { durationProblem } from "../../generator/src/duration.js";
import { checkGoTemplate } from "../../generator/src/go-template.js";
import { prometheusTemplates } from "../../generator/src/go-template-dialects.js";
import { regexProblem, unquotePromQLString } from "../../generator/src/promql-strings.js";
import { checkPromQLExpression } from "../../generator/src/promql-types.js";

const first = (expr: string, required: "rule" | "query" | "any" = "rule") => checkPromQLExpression(expr, required)[0];

describe("unit: PromQL checks beyond syntax (types, selectors, strings, durations)", () => {
  it("points at the string escape Prometheus refuses, and at the regex RE2 does not compile", () => {
    expect(first('up{job="\\z"}')).to.deep.include({ offset: 8, column: 9, message: 'unknown escape sequence \\z in string "\\z"' });
    expect(first('up{job=~"("}')).to.deep.include({ offset: 8 });
    expect(first('up{job=~"("}')!.message).to.match(/missing closing \)/);
    expect(first('up{job=~"a(?=b)"}')!.message).to.match(/invalid or unsupported Perl syntax/);
  });

  it("reads Go's string escapes", () => {
    expect(unquotePromQLString('"\\x41\\u00e9\\101\\n"')).to.deep.equal({ ok: true, value: "AéA\n", invalidUtf8: false });
    expect(unquotePromQLString("'a\\'b'")).to.deep.include({ ok: true, value: "a'b" });
    expect(unquotePromQLString("'a\\\"b'")).to.deep.include({ ok: false, offset: 2 });
    expect(unquotePromQLString("`\\z`")).to.deep.include({ ok: true, value: "\\z" });
    expect(unquotePromQLString('"\\xff"')).to.deep.include({ ok: true, invalidUtf8: true });
    expect(unquotePromQLString('"\\ud800"')).to.deep.include({ ok: false, message: "escape sequence is an invalid Unicode code point" });
  });

  it("judges regexes by Go's RE2, not JavaScript's RegExp", () => {
    expect(regexProblem("(?i)abc\\z")).to.equal(undefined);
    expect(regexProblem("(a)\\1")).to.match(/invalid escape/);
    expect(regexProblem("a{1001}")).to.match(/invalid repeat count/);
    expect(regexProblem("a|b|c")).to.equal(undefined);
    expect(regexProblem("(?P<n>a)(?<n>b)"), "Go allows a group name twice").to.equal(undefined);
  });

  it("refuses ranges and steps that are not positive, and durations that overflow", () => {
    expect(first("rate(x[0s])")).to.deep.include({ offset: 7 });
    expect(first("max_over_time(x[5m:0s])")).to.deep.include({ offset: 19 });
    expect(first("rate(x[999999999999y])")!.message).to.match(/duration out of range/);
    expect(checkPromQLExpression("rate(x[999999999999y])")).to.have.length(1);
    expect(first("rate(x[1m-1m])")).to.equal(undefined);
  });

  it("refuses the metric name twice and selectors that match only the empty string", () => {
    expect(first('foo{__name__="b"}')).to.deep.include({ offset: 4, message: 'metric name must not be set twice: "foo" or "b"' });
    expect(first('{job=""}')!.message).to.match(/at least one non-empty matcher/);
    expect(first('{job=~".*", a!="x"}')!.message).to.match(/at least one non-empty matcher/);
    expect(first('{job=~".+"}')).to.equal(undefined);
    // Prometheus only compares a name outside the braces with __name__ matchers inside them.
    expect(first('{__name__="a", __name__="b"}')).to.equal(undefined);
  });

  it("checks types as Prometheus does", () => {
    expect(first('topk("3", up)')).to.deep.include({ offset: 5, message: "expected type scalar in aggregation parameter, got string" });
    expect(first("rate(up)")).to.deep.include({ offset: 5, message: 'expected type range vector in call to function "rate", got instant vector' });
    expect(first("rate(x[5m], 1)")!.message).to.equal('expected 1 argument(s) in call to "rate", got 2');
    expect(first("time() > 5")).to.deep.include({ offset: 7 });
    expect(first("time() > bool 5")).to.equal(undefined);
    expect(first('"a" + 1')!.message).to.match(/only scalar and instant vector/);
    expect(first("1 and up")!.message).to.equal('set operator "and" not allowed in binary scalar expression');
    expect(first("round(up, 1, 2)")!.message).to.equal('expected at most 2 argument(s) in call to "round", got 3');
    expect(first("label_join(up)")!.message).to.equal('expected at least 3 argument(s) in call to "label_join", got 1');
  });

  it("binds [range], offset and @ to the rightmost operand, as Prometheus' grammar does", () => {
    expect(first("a + x offset 5m")).to.equal(undefined);
    expect(first("- x @ 100")).to.equal(undefined);
    expect(first("a + x[5m]")).to.deep.include({ offset: 4, message: "binary expression must contain only scalar and instant vector types, got range vector" });
    expect(checkPromQLExpression("max_over_time(a / x[5m:])").map((error) => error.offset)).to.deep.equal([14, 18]);
  });

  it("requires a rule's expression (and a range query) to be an instant vector or a scalar", () => {
    expect(first("x[5m]")!.message).to.match(/^a rule's expression must evaluate to an instant vector or a scalar/);
    expect(first("x[5m]", "query")!.message).to.match(/^a range query/);
    expect(first("x[5m]", "any")).to.equal(undefined);
  });
});

describe("unit: Prometheus' duration bounds", () => {
  it("accepts up to what fits in Go's time.Duration and names the rest", () => {
    expect(durationProblem("292y")).to.equal(undefined);
    expect(durationProblem("0")).to.equal(undefined);
    expect(durationProblem("293y")).to.match(/duration out of range/);
    expect(durationProblem("999999999999y")).to.match(/duration out of range/);
    expect(durationProblem("5m1h")).to.match(/not a valid duration/);
  });
});

describe("unit: Go template check of alert labels and annotations", () => {
  const check = (text: string) => checkGoTemplate(text, prometheusTemplates);

  it("accepts what Prometheus' templates use", () => {
    for (const text of ["{{ $labels.instance }} is {{ $value | humanize }}", "{{ range $k, $v := $labels }}{{ $k }}{{ end }}", "{{/* c */}}", "{{ if gt $value 1.0 }}a{{ else }}b{{ end }}"]) {
      expect(check(text), text).to.equal(undefined);
    }
  });

  it("refuses what text/template does not parse, with the position", () => {
    expect(check("x {{ $value")).to.deep.include({ offset: 2, message: "unclosed action (no closing }})" });
    expect(check('{{ fail "x" }}')).to.deep.include({ offset: 3, column: 4 });
    expect(check('{{ fail "x" }}')!.message).to.match(/^function "fail" not defined in Prometheus 3\.15\.0 alert templates/);
    expect(check("a\n{{ $k }}")).to.deep.include({ line: 2, column: 4, message: 'undefined variable "$k"' });
    expect(check("{{ end }}")!.message).to.equal("unexpected {{end}}");
    expect(check("{{ if true }}x")!.message).to.match(/unexpected EOF/);
    expect(check("{{ 1a }}")!.message).to.match(/bad number syntax/);
    expect(check("{{ if 1 }}{{ break }}{{ end }}")!.message).to.match(/outside \{\{range\}\}/);
  });
});
