// The Go template checker on what text/template's parser decides and the two checkers it
// replaced did not (each case checked against Go 1.26's text/template).
import { expect } from "chai";
import { checkGoTemplate } from "../../generator/src/go-template.js";
import { alertmanagerTemplates, prometheusTemplates } from "../../generator/src/go-template-dialects.js";

const prometheus = (text: string) => checkGoTemplate(text, prometheusTemplates)?.message;
const alertmanager = (text: string) => checkGoTemplate(text, alertmanagerTemplates)?.message;

describe("unit: Go templates as text/template parses them", () => {
  it("accepts what Go accepts", () => {
    for (const text of [
      "{{ $x := $x.Y }}", // a variable is declared before its value is read
      "{{ $x = 1 }}{{ $x }}", // even by "=": Go leaves the undeclared assignment to execution
      "{{ if . }}{{ $x := 1 }}{{ else }}{{ $x }}{{ end }}", // the else branch sees the if branch's variables
      "{{ 0x1p-2 }}{{ 0x1.8p3 }}{{ 1_000 }}{{ 2.5i }}", // every number form strconv reads
      "{{ (len .X).Y }}{{ $.X }}{{ '\\'' }}",
      "{{ range $i, $v := . }}{{ if $i }}{{ break }}{{ end }}{{ end }}",
    ]) {
      expect(prometheus(text), text).to.equal(undefined);
      expect(alertmanager(text), text).to.equal(undefined);
    }
  });

  it("refuses what Go refuses", () => {
    expect(prometheus('{{ define "d" }}{{ $labels }}{{ end }}')).to.equal('undefined variable "$labels"'); // a define sees only $
    expect(prometheus("{{ /* c */ }}")).to.equal('unexpected "/" in command'); // a comment starts right after {{
    expect(prometheus('{{ "\\\'" }}')).to.equal("invalid escape in quoted string: \\'");
    expect(alertmanager("{{ if . }}a{{ else }}b{{ else }}c{{ end }}")).to.equal("expected end; found {{else}}");
    expect(alertmanager("{{ range . }}{{ else }}{{ break }}{{ end }}")).to.equal("{{break}} outside {{range}}");
    expect(alertmanager('{{ len"a" }}')).to.equal('bad character "\\""');
    expect(alertmanager("{{ join(.X) }}")).to.equal('unexpected "(" in operand');
    expect(alertmanager("{{ . | 2 }}")).to.equal("non executable command in pipeline stage 2");
    expect(alertmanager("{{ 99999999999999999999 }}")).to.equal('integer overflow: "99999999999999999999"');
    expect(alertmanager("{{ 'ab' }}")).to.equal("malformed character constant: 'ab'");
    expect(alertmanager("{{ $x, $y := . }}")).to.equal("too many declarations in command");
  });

  it("takes any nesting of blocks, and parentheses up to 1000 deep", () => {
    expect(alertmanager("{{ if . }}".repeat(20000) + "{{ end }}".repeat(20000))).to.equal(undefined);
    expect(alertmanager(`{{ ${"(".repeat(999)}1${")".repeat(999)} }}`)).to.equal(undefined);
    expect(alertmanager(`{{ ${"(".repeat(1001)}1${")".repeat(1001)} }}`)).to.match(/deeper than the 1000 levels/);
  });
});
