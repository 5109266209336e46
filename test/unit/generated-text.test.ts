// The build's generated JavaScript and JSON are written as ASCII and read back as Latin-1:
// the escaped text must be the same program or value, and reading must not change any text.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Script } from "node:vm";
import { asciiEscaped, readGeneratedText } from "../../generator/src/generated-text.cjs";

describe("unit: generated text", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "promstack-generated-text-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("escapes non-ASCII characters so a program computes the same strings and matches the same text", () => {
    // A string, a regular expression with and without the u flag, a comment, and an astral character.
    const program = '/* café — */ ({ text: "naïve … ✓ 😀", plain: /^[é…]+$/.test("é…"), unicode: /^😀$/u.test("😀"), tail: "—" })';
    const escaped = asciiEscaped(program);
    expect(/[^\x00-\x7f]/.test(escaped), "non-ASCII left").to.equal(false);
    expect(new Script(escaped).runInThisContext()).to.deep.equal(new Script(program).runInThisContext());
  });

  it("escapes JSON to the same value", () => {
    const value = { description: "keeps “quotes” and 😀", pattern: "^[a-zà]+$" };
    expect(JSON.parse(asciiEscaped(JSON.stringify(value)))).to.deep.equal(value);
  });

  it("reads ASCII and UTF-8 files as the text they hold", () => {
    for (const text of ["plain ascii\n", "naïve … 😀\n"]) {
      const file = join(dir, "file.txt");
      writeFileSync(file, text, "utf8");
      expect(readGeneratedText(file)).to.equal(text);
    }
  });
});
