import { expect } from "chai";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as fs from "node:fs";
import { main } from "../../generator/src/cli.js";
import { writeAllAtomically, writeTreeAtomically, type WriterFs } from "../../generator/src/write/atomic.js";

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

  it("swaps several targets together, and puts every one back when a later swap fails", () => {
    const chart = join(dir, "chart");
    const runbooks = join(dir, "runbooks");
    writeTreeAtomically(chart, new Map([["a", "old chart"]]));
    writeTreeAtomically(runbooks, new Map([["r", "old runbook"]]));
    writeFileSync(join(dir, "p.secrets.example"), "old example");
    let renames = 0;
    // The fourth rename is the runbooks' new tree moving in: fail it, after the chart swapped.
    const failing: WriterFs = { ...fs, renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      if (++renames === 4) throw new Error("injected rename failure");
      fs.renameSync(from, to);
    } };
    const changes = [
      { kind: "tree" as const, target: chart, files: new Map([["a", "new chart"]]) },
      { kind: "tree" as const, target: runbooks, files: new Map([["r", "new runbook"]]) },
      { kind: "remove" as const, target: join(dir, "p.secrets.example") },
    ];
    expect(() => writeAllAtomically(changes, failing)).to.throw("injected rename failure");
    expect(readFileSync(join(chart, "a"), "utf8")).to.equal("old chart");
    expect(readFileSync(join(runbooks, "r"), "utf8")).to.equal("old runbook");
    expect(readFileSync(join(dir, "p.secrets.example"), "utf8")).to.equal("old example");
    expect(readdirSync(dir).sort()).to.deep.equal(["chart", "p.secrets.example", "runbooks"]);
    writeAllAtomically(changes);
    expect(readFileSync(join(chart, "a"), "utf8")).to.equal("new chart");
    expect(readdirSync(dir).sort()).to.deep.equal(["chart", "runbooks"]);
  });

  it("generate changes nothing when the runbooks cannot be written", async function () {
    this.timeout(180_000);
    const profiles = join(dir, "values");
    mkdirSync(profiles);
    writeFileSync(join(profiles, "p.yaml"), "prometheus:\n  replicas: 1\n");
    const chart = join(dir, "chart");
    writeTreeAtomically(chart, new Map([["Chart.yaml", "previous chart"]]));
    // A file where the runbooks' parent directory should be: no directory can be made there.
    writeFileSync(join(dir, "blocker"), "");
    const err: string[] = [];
    const status = await main(["generate", "--output", chart, "--profiles", profiles, "--runbooks", join(dir, "blocker", "runbooks")], { out: () => {}, err: (line) => err.push(line) });
    expect(status).to.equal(1);
    expect(err.join("\n")).to.match(/generate: cannot write the output: .*blocker.*; nothing changed/);
    expect(readdirSync(chart)).to.deep.equal(["Chart.yaml"]);
    expect(readFileSync(join(chart, "Chart.yaml"), "utf8")).to.equal("previous chart");
    expect(readdirSync(dir).sort()).to.deep.equal(["blocker", "chart", "values"]);
    expect(readdirSync(profiles)).to.deep.equal(["p.yaml"]);
  });
});
