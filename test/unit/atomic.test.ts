import { expect } from "chai";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeTreeAtomically } from "../../generator/src/write/atomic.js";

describe("unit: atomic tree writes", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "promstack-atomic-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("replaces the whole tree, removing files no longer generated", () => {
    const target = join(dir, "chart");
    writeTreeAtomically(target, new Map([["a.yaml", "1"], ["sub/b.yaml", "2"]]));
    writeTreeAtomically(target, new Map([["a.yaml", "3"]]));
    expect(readFileSync(join(target, "a.yaml"), "utf8")).to.equal("3");
    expect(readdirSync(target)).to.deep.equal(["a.yaml"]);
    expect(readdirSync(dir)).to.deep.equal(["chart"]);
  });

  it("leaves the previous tree untouched when writing fails", () => {
    const target = join(dir, "chart");
    writeTreeAtomically(target, new Map([["a.yaml", "old"]]));
    // A file where the writer needs a directory makes the write fail half-way.
    const files = new Map([["b.yaml", "new"], ["b.yaml/c.yaml", "fails"]]);
    expect(() => writeTreeAtomically(target, files)).to.throw();
    expect(readFileSync(join(target, "a.yaml"), "utf8")).to.equal("old");
    expect(readdirSync(dir)).to.deep.equal(["chart"]);
  });

  it("works when the target does not exist yet", () => {
    mkdirSync(join(dir, "x"));
    writeFileSync(join(dir, "x", "keep"), "");
    writeTreeAtomically(join(dir, "x", "new"), new Map([["f", "1"]]));
    expect(readFileSync(join(dir, "x", "new", "f"), "utf8")).to.equal("1");
  });
});
