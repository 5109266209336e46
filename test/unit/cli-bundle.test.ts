// The build's one-file CLI (what bin/promstack.js runs when it is current) says what the
// compiled modules say, and is set aside when it is older than the last compile or incomplete.
import { expect } from "chai";
import { copyFileSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundledMain, bundleFiles, type BundleFiles } from "../../generator/src/cli-bundle.cjs";
import { main } from "../../generator/src/cli.js";
import { promstack, repoRoot } from "../helpers/tools.js";

async function run(entry: typeof main, args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await entry(args, { out: (line) => lines.push(`out ${line}`), err: (line) => lines.push(`err ${line}`) });
  return { code, lines };
}

describe("unit: the bundled CLI", () => {
  // A copy next to the real bundle (same depth under dist/generator/src/, so its modules find
  // the repository and the precompiled contract as the original does).
  let copy: BundleFiles;
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(fileURLToPath(new URL("../../generator/src/", import.meta.url)), "bundle-test-"));
    copy = { script: join(dir, "promstack.cjs"), codeCache: join(dir, "promstack.v8cache"), buildInfo: join(dir, "tsbuildinfo") };
    copyFileSync(bundleFiles.script, copy.script);
    copyFileSync(bundleFiles.codeCache, copy.codeCache);
    writeFileSync(copy.buildInfo, "");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const age = (file: string, seconds: number) => utimesSync(file, new Date(Date.now() - seconds * 1000), new Date(Date.now() - seconds * 1000));

  it("is current after make build", () => {
    expect(bundledMain(), "dist/generator/src/bundle is missing or older than dist/.tsbuildinfo: run make build").to.be.a("function");
  });

  it("validates, explains errors and prints help exactly as the modules do", async function () {
    this.timeout(60_000);
    const bundled = bundledMain()!;
    for (const args of [
      ["validate", "--no-tools", join(repoRoot, "values", "tavira.yaml"), join(repoRoot, "values", "raspberry-pi.yaml")],
      ["validate", "--no-tools", ...["missing-receiver.yaml", "invalid-promql.yaml", "extra-args-repeated.yaml"].map((name) => join(repoRoot, "test", "fixtures", "broken", name))],
      ["validate", "--no-tools", join(repoRoot, "no-such-profile.yaml")],
      ["--help"],
      ["--version"],
    ]) {
      const fromBundle = await run(bundled, args);
      expect(fromBundle, args.join(" ")).to.deep.equal(await run(main, args));
    }
  });

  it("is used while newer than the last compile, and set aside when older or without its code cache", () => {
    age(copy.buildInfo, 60);
    expect(bundledMain(copy)).to.be.a("function");
    age(copy.script, 120);
    expect(bundledMain(copy), "older than the build info").to.equal(undefined);
    age(copy.script, 0);
    rmSync(copy.codeCache);
    expect(bundledMain(copy), "no code cache").to.equal(undefined);
  });

  it("still runs when V8 rejects its code cache", async function () {
    this.timeout(60_000);
    writeFileSync(copy.codeCache, Buffer.from("not a code cache"));
    age(copy.buildInfo, 60);
    const { code, lines } = await run(bundledMain(copy)!, ["validate", "--no-tools", join(repoRoot, "values", "tavira.yaml")]);
    expect(code).to.equal(0);
    expect(lines.at(-1)).to.match(/^out 1 profile\(s\): 0 error\(s\)/);
  });

  it("bin/promstack.js prints every line main prints and exits with its code, though validate leaves without waiting for the event loop", async function () {
    this.timeout(60_000);
    // Many problems, so the output is longer than a pipe's buffer at once is likely to take.
    const broken = ["missing-receiver.yaml", "invalid-promql.yaml", "extra-args-repeated.yaml"].map((name) => join(repoRoot, "test", "fixtures", "broken", name));
    for (const args of [["validate", "--no-tools", ...broken], ["validate", "--no-tools", join(repoRoot, "values", "tavira.yaml")], ["--help"]]) {
      const inProcess = await run(main, args);
      const spawned = promstack(args);
      const printed = (stream: "out" | "err") => inProcess.lines.filter((line) => line.startsWith(`${stream} `)).map((line) => `${line.slice(4)}\n`).join("");
      expect(spawned.status, args.join(" ")).to.equal(inProcess.code);
      expect(spawned.stdout, args.join(" ")).to.equal(printed("out"));
      expect(spawned.stderr, args.join(" ")).to.equal(printed("err"));
    }
  });
});
