// The CLI as users install it: `npm pack` of this repository, installed into an empty
// directory outside it, then validate, flux (and import) run on a profile of the user's own.
import { expect } from "chai";
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { sha256 } from "../../generator/src/package/provenance.js";
import { chartDir, repoRoot, run, type RunResult } from "../helpers/tools.js";
import { scratch } from "./helpers.js";

const npm = "npm";
const chartVersion = (parse(readFileSync(join(chartDir, "Chart.yaml"), "utf8")) as { version: string }).version;

function pack(destination: string): string {
  mkdirSync(destination, { recursive: true });
  const packed = run(npm, ["pack", "--silent", "--pack-destination", destination]);
  expect(packed.status, packed.stderr).to.equal(0);
  const [archive] = readdirSync(destination).filter((name) => name.endsWith(".tgz"));
  expect(archive, "npm pack wrote no archive").to.be.a("string");
  return join(destination, archive!);
}

describe("distribution: the promstack CLI as an npm package", function () {
  this.timeout(300_000);
  let work: ReturnType<typeof scratch>;
  let archive: string;
  let cli: (args: string[]) => RunResult;

  before(() => {
    work = scratch("cli-package");
    archive = pack(join(work.dir, "first"));
    const user = join(work.dir, "user"); // an empty directory elsewhere, like a team's own repository
    mkdirSync(user);
    cpSync(join(repoRoot, "values", "raspberry-pi.yaml"), join(user, "my.yaml"));
    writeFileSync(join(user, "package.json"), JSON.stringify({ name: "my-monitoring", private: true }));
    const installed = run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", archive], { cwd: user });
    expect(installed.status, installed.stderr).to.equal(0);
    cli = (args) => run(join(user, "node_modules", ".bin", "promstack"), args, { cwd: user });
  });
  after(() => work.remove());

  it("npm pack is reproducible: a second pack has the same bytes", () => {
    const again = pack(join(work.dir, "second"));
    expect(sha256(readFileSync(again))).to.equal(sha256(readFileSync(archive)));
  });

  it("--version names the chart version it validates against", () => {
    const result = cli(["--version"]);
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.contain(`chart promstack ${chartVersion}`);
  });

  it("validates a user's profile from outside the repository", () => {
    const good = cli(["validate", "my.yaml"]);
    expect(good.status, good.stderr).to.equal(0);
    expect(good.stdout).to.contain("1 profile(s): 0 error(s)");
    writeFileSync(join(work.dir, "user", "typo.yaml"), "prometheus:\n  relicas: 2\n");
    const bad = cli(["validate", "typo.yaml"]);
    expect(bad.status).to.equal(1);
    expect(bad.stderr).to.contain('typo.yaml:2:3: prometheus.relicas: unknown key "relicas"');
  });

  it("writes Flux manifests for a user's profile", () => {
    const result = cli(["flux", "my.yaml"]);
    expect(result.status, result.stderr).to.equal(0);
    const kinds = result.stdout.split(/^---$/m).map((doc) => (parse(doc) as { kind?: string } | null)?.kind);
    expect(kinds).to.include.members(["HelmRelease", "ConfigMap"]);
  });

  it("refuses generate with a clear message: the package ships the generated chart", () => {
    const result = cli(["generate", "--output", join(work.dir, "chart")]);
    expect(result.status).to.equal(1);
    expect(result.stderr).to.contain("generate runs in a promstack source checkout");
  });
});
