// Alertmanager's matcher grammar, RE2 regexes, time zones and Go templates as validate
// reads them. The semantics layer (routing-forms.test.ts) checks the same forms with amtool.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../helpers/tools.js";
import { checkGoTemplate } from "../../generator/src/go-template.js";
import { alertmanagerFunctions, alertmanagerTemplates } from "../../generator/src/go-template-dialects.js";
import { re2Problem } from "../../generator/src/re2.js";
import { parseClassicMatchers, parseMatchers, parseUtf8Matchers, unquoteGo } from "../../generator/src/validate/matchers.js";
import { timeZoneProblem } from "../../generator/src/validate/timezones.js";

describe("unit: Alertmanager matchers", () => {
  const read = (input: string) => {
    const parsed = parseMatchers(input);
    return parsed.ok ? parsed.matchers.map((m) => [m.name, m.type, m.value]) : parsed.error;
  };

  it("reads every form amtool accepts, as Alertmanager reads it", () => {
    expect(read('severity="critical"')).to.deep.equal([["severity", "=", "critical"]]);
    expect(read("team=~db|infra")).to.deep.equal([["team", "=~", "db|infra"]]);
    expect(read('job=~"(?:api|web)-.+"')).to.deep.equal([["job", "=~", "(?:api|web)-.+"]]);
    expect(read('msg="say \\"hi\\""')).to.deep.equal([["msg", "=", 'say "hi"']]);
    expect(read('"service.name"="api"')).to.deep.equal([["service.name", "=", "api"]]);
    expect(read('{a="b",c!="d"}')).to.deep.equal([["a", "=", "b"], ["c", "!=", "d"]]);
    expect(read('a=b, c!~"x.*",')).to.deep.equal([["a", "=", "b"], ["c", "!~", "x.*"]]);
    expect(read('"ü"="\\u00e9"')).to.deep.equal([["ü", "=", "é"]]);
    expect(read("")).to.deep.equal([]);
    expect(read("{}")).to.deep.equal([]);
  });

  it("falls back to the classic parser where Alertmanager does, and says so", () => {
    const spaced = parseMatchers("foo=bar baz");
    expect(spaced).to.deep.include({ ok: true, parser: "classic" });
    expect(spaced.ok && spaced.matchers).to.deep.equal([{ name: "foo", type: "=", value: "bar baz" }]);
    // Both parsers accept it, with different results: Alertmanager keeps the classic one ("=b").
    expect(read("a==b")).to.deep.equal([["a", "=", "=b"]]);
    expect(read('a=~"\\d+"')).to.deep.equal([["a", "=~", "\\d+"]]);
  });

  it("rejects what both parsers reject, with the column where it goes wrong", () => {
    expect(read('a="x')).to.deep.equal({ message: '"x: missing closing "', column: 3 });
    expect(read("severity!critical")).to.deep.equal({ message: "'!' must be followed by '=' or '~', not 'c'", column: 10 });
    expect(read('job=~"("')).to.deep.equal({ message: 'regular expression "(" does not compile: missing closing ): `(`', column: 6 });
    expect(read(",a=b")).to.have.property("column", 1);
    expect(read("a=b,,c=d")).to.have.property("column", 5);
  });

  it("the two parsers, separately", () => {
    expect(parseUtf8Matchers("a=b}").ok).to.equal(false);
    expect(parseClassicMatchers("a=b}").ok).to.equal(true);
    expect(parseUtf8Matchers("a.b=c").ok).to.equal(true);
    expect(parseClassicMatchers("a.b=c").ok).to.equal(false);
  });

  it("unquotes like Go's strconv.Unquote", () => {
    expect(unquoteGo('"a\\tb\\x41\\101\\u00e9"')).to.equal("a\tbAAé");
    expect(unquoteGo('"\\z"')).to.equal(undefined);
    expect(unquoteGo('"\\xff"')).to.equal(undefined, "invalid UTF-8");
    expect(unquoteGo("\"\\'\"")).to.equal(undefined);
  });
});

describe("unit: RE2 regular expressions", () => {
  it("accepts RE2 syntax JavaScript lacks", () => {
    for (const pattern of ["(?i)error", "\\Qa.b\\E", "(?P<n>x)", "[[:alpha:]]+", "\\pL", "x\\z", "(?s:.)", "\\12", "[]a]"]) expect(re2Problem(pattern), pattern).to.equal(undefined);
  });
  it("rejects what Go's regexp refuses", () => {
    expect(re2Problem("(")).to.equal("missing closing ): `(`");
    expect(re2Problem("x(?=y)")).to.match(/lookaround/);
    expect(re2Problem("\\1")).to.match(/backreferences/);
    expect(re2Problem("a**")).to.match(/nested repetition/);
    expect(re2Problem("*")).to.match(/missing argument/);
    expect(re2Problem("[z-a]")).to.match(/invalid character class range/);
    expect(re2Problem("x{1001}")).to.match(/invalid repeat count/);
    expect(re2Problem("\\Z")).to.match(/invalid escape/);
  });
});

describe("unit: time zones Alertmanager can load", () => {
  it("accepts IANA zones and links, UTC and Local", () => {
    for (const zone of ["Europe/Madrid", "US/Eastern", "Etc/GMT+5", "UTC", "Local"]) expect(timeZoneProblem(zone), zone).to.equal(undefined);
  });
  it("rejects unknown zones and the wrong case", () => {
    expect(timeZoneProblem("Mars/Olympus")).to.match(/unknown time zone/);
    expect(timeZoneProblem("europe/madrid")).to.contain('did you mean "Europe/Madrid"?');
    expect(timeZoneProblem("+01:00")).to.match(/unknown time zone/);
  });
});

describe("unit: Go templates with Alertmanager's functions", () => {
  const first = (text: string) => checkGoTemplate(text, alertmanagerTemplates);

  it("accepts control structures, variables, comments and Alertmanager's functions", () => {
    const text = [
      '{{ define "x" }}{{/* note */}}{{- range $i, $a := .Alerts -}}',
      "{{ if eq $i 0 }}{{ $a.Labels.alertname | toUpper }}{{ else if gt $i 3 }}{{ break }}{{ else }}{{ printf \"%d\" $i }}{{ end }}",
      '{{ end }}{{ with .CommonLabels }}{{ .SortedPairs.Values | join ", " }}{{ end }}{{ template "y" . }}{{ end }}',
    ].join("\n");
    expect(first(text)).to.equal(undefined);
    for (const name of alertmanagerFunctions) expect(first(`{{ ${name} }}`), name).to.equal(undefined);
  });

  it("the chart's own promstack.tmpl passes", () => {
    expect(first(readFileSync(join(repoRoot, "generator", "assets", "charts", "alertmanager", "files", "promstack.tmpl"), "utf8"))).to.equal(undefined);
  });

  it("names the function Alertmanager lacks, at its line and column", () => {
    expect(first('a\n  {{ lookup "v1" "Secret" "ns" "x" }}')).to.deep.include({ line: 2, column: 6, message: 'function "lookup" not defined in Alertmanager 0.34.2 templates' });
    expect(first("{{ toUpperr .x }}")?.message).to.contain('did you mean "toUpper"?');
  });

  it("finds unbalanced delimiters and blocks", () => {
    expect(first("{{ .Status ")).to.deep.include({ line: 1, column: 1, message: "unclosed action (no closing }})" });
    expect(first("{{/* note")).to.deep.include({ message: "unclosed comment" });
    expect(first("{{ if .x }}\n")).to.deep.include({ message: "unexpected EOF: {{if}} has no {{end}}" });
    expect(first("{{ end }}")?.message).to.match(/unexpected \{\{end\}\}/);
    expect(first('{{ "abc }}')?.message).to.equal("unterminated quoted string");
    expect(first("{{ $y }}")?.message).to.equal('undefined variable "$y"');
    expect(first("{{ break }}")?.message).to.match(/outside \{\{range\}\}/);
    expect(first("{{ (len .x }}")?.message).to.equal("unclosed left paren");
  });
});
