// The RE2 module against Go 1.26's regexp.Compile: patterns where Go, re2js, JavaScript and
// the hand-written check this module replaced disagree. Each verdict was taken from Go.
import { expect } from "chai";
import { RE2JS } from "re2js";
import { PLAIN_PATTERN, re2Matcher, re2Problem } from "../../generator/src/re2.js";

describe("unit: RE2 regular expressions as Go compiles them", () => {
  it("accepts what Go accepts", () => {
    for (const pattern of [
      "(?:a|b)+", "(?i:x)", "(?)", "\\_", "\\pN", "\\p{Greek}", "\\PL", "[[:word:]]", "[[:^alpha:]]", "(?<n>x)", "(?P<n>x)",
      "x\\z", "\\Qa.b\\E+", "\\12", "x{1000}", "x{,5}", "a{,}", "[a-z&&[aeiou]]", "$*", "\\b*",
      "(?P<n>a)|(?P<n>b)", // a name used twice: re2js refuses it, Go does not
    ]) {
      expect(re2Problem(pattern), pattern).to.equal(undefined);
    }
  });

  it("refuses what Go refuses, in Go's words", () => {
    const refused: Record<string, string> = {
      "\\C": "invalid escape sequence: `\\C`",
      "\\Z": "invalid escape sequence: `\\Z`",
      "\\p{Foo}": "invalid character class range: `\\p{Foo}`",
      "\\pX": "invalid character class range: `\\pX`",
      "(x{500}){3}": "invalid repeat count: `{3}`", // the product of nested counts is over 1000
      "\\Q\\E*": "missing argument to repetition operator: `*`",
      "[a-\\d]": "invalid escape sequence: `\\d`",
      "(?P<>x)": "invalid named capture: `(?P<>`",
      "(?P=n)": "invalid or unsupported Perl syntax: `(?P`",
      "(?x)a b": "invalid or unsupported Perl syntax: `(?x`",
      "x{1001}": "invalid repeat count: `{1001}`",
      "a**": "invalid nested repetition operator: `**`",
      [`${"(".repeat(1001)}a${")".repeat(1001)}`]: "expression nests too deeply",
    };
    for (const [pattern, message] of Object.entries(refused)) expect(re2Problem(pattern), pattern).to.satisfy((problem: string) => problem.startsWith(message));
  });

  it("says why a lookaround or a backreference fails, which Go's message does not", () => {
    expect(re2Problem("x(?=y)")).to.equal("invalid or unsupported Perl syntax: `(?=` (lookaround assertions are not supported)");
    expect(re2Problem("(?<!x)y")).to.equal("invalid named capture: `(?<!x)y` (lookaround assertions are not supported)");
    expect(re2Problem("(a)\\1")).to.equal("invalid escape sequence: `\\1` (backreferences are not supported)");
  });

  it("refuses, unlike Go, a pattern over re2js' smaller size limit", () => {
    // Go 1.26 compiles this 21,000-character pattern; re2js' limit is 1,398,101 instructions to Go's 3,355,443.
    expect(re2Problem(".{1000}".repeat(3000))).to.equal("expression too large");
  });

  it("matches whole texts, with . matching a newline for Prometheus only, and anywhere for a JSON Schema pattern", () => {
    expect(re2Matcher("a.c", "prometheus")!.test("a\nc")).to.equal(true);
    expect(re2Matcher("a.c", "alertmanager")!.test("a\nc")).to.equal(false);
    expect(re2Matcher("(?i)api|web", "alertmanager")!.test("WEB")).to.equal(true);
    expect(re2Matcher("api", "prometheus")!.test("api-1")).to.equal(false);
    expect(re2Matcher("(", "prometheus")).to.equal(undefined);
    expect(re2Matcher("^[a-z]+", "json-schema")!.test("abc-1")).to.equal(true);
  });

  it("compiles every plain pattern it accepts without compiling (random patterns of that form)", () => {
    let seed = 7;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const atoms = ["a", "Z", "0", "_", "-", ".", "x"];
    for (let i = 0; i < 2000; i++) {
      const alternatives = Array.from({ length: 1 + random(4) }, () => Array.from({ length: random(6) }, () => atoms[random(atoms.length)]! + ["", "", "*", "+", "?"][random(5)]!).join(""));
      const pattern = alternatives.join("|");
      expect(PLAIN_PATTERN.test(pattern), pattern).to.equal(true);
      expect(() => RE2JS.compile(pattern), pattern).not.to.throw();
    }
    for (const refused of ["a**", "*a", "a|*", "a+*", "(a", "a?+"]) expect(PLAIN_PATTERN.test(refused), refused).to.equal(false);
  });
});
