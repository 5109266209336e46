// Bad or huge YAML gets a positioned error in bounded time, and never keeps the other files
// on the command line from being reported.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../generator/src/cli.js";
import { pathologicalProfiles } from "../../bench/validate-inputs.js";

async function validate(files: string[]): Promise<{ status: number; lines: string[]; ms: number }> {
  const lines: string[] = [];
  const start = performance.now();
  const status = await main(["validate", "--no-tools", ...files], { out: (line) => lines.push(line), err: (line) => lines.push(line) });
  return { status, lines, ms: performance.now() - start };
}

describe("unit: bad and huge YAML", () => {
  const dir = mkdtempSync(join(tmpdir(), "promstack-yaml-limits-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  // A second, valid-but-flawed file: its problem must be reported whatever happens to the first.
  const other = () => write("other.yaml", "prometheus:\n  relicas: 2\n");
  const inputs = pathologicalProfiles();

  for (const [name, text, expected] of [
    ["an alias bomb", inputs.aliasBomb, /bomb\.yaml:\d+:\d+: \(root\): an alias expands to too many nodes/],
    ["an unresolved alias", "prometheus:\n  replicas: *nope\n", /bomb\.yaml:2:13: prometheus\.replicas: alias \*nope names no anchor defined before it/],
    ["a 10,000-deep block sequence", inputs.deepBlock, /bomb\.yaml:2:\d+: \(root\): YAML nesting deeper than 500 levels/],
    ["a 10,000-deep flow sequence", inputs.deepFlow, /bomb\.yaml:1:\d+: \(root\): YAML nesting deeper than 500 levels/],
  ] as const) {
    it(`reports ${name} with its position, and still reports the other files`, async () => {
      const result = await validate([write("bomb.yaml", text), other()]);
      expect(result.status).to.equal(1);
      const output = result.lines.join("\n");
      expect(output).to.match(expected);
      expect(output).to.include('other.yaml:2:3: prometheus.relicas: unknown key "relicas"');
      expect(output).to.not.match(/Maximum call stack|Excessive alias|ReferenceError/);
    });
  }

  // Bounds generous enough for a loaded 2-core machine; the quadratic versions took 47 s and 99 s.
  it("validates 20,000 keys in one mapping, valid, unknown or badly named, in under 5 s each", async () => {
    const valid = await validate([write("keys.yaml", inputs.manyKeys)]);
    expect(valid.status, valid.lines.join("\n")).to.equal(0);
    expect(valid.ms).to.be.below(5000);
    const unknown = await validate([write("unknown.yaml", inputs.manyUnknownKeys)]);
    expect(unknown.lines.filter((line) => line.includes("unknown key"))).to.have.length(20_000);
    expect(unknown.ms).to.be.below(5000);
    const badNames = await validate([write("names.yaml", inputs.manyBadKeyNames)]);
    expect(badNames.lines.filter((line) => line.includes("invalid key"))).to.have.length(20_000);
    expect(badNames.ms).to.be.below(5000);
  });

  it("reports a 1 MB rule expression full of errors in under 5 s, without echoing it whole", async () => {
    const result = await validate([write("expr.yaml", inputs.hugeExpression)]);
    expect(result.status).to.equal(1);
    expect(result.ms).to.be.below(5000);
    const error = result.lines.find((line) => line.includes("invalid PromQL"))!;
    expect(error).to.match(/expr\.yaml:4:13: rules\.g\.Big\.expr: invalid PromQL at 2:\d+: .*more characters\)/);
    expect(error.length).to.be.below(500);
  });
});
