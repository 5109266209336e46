import { expect } from "chai";
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse } from "yaml";
import { sha256 } from "../../generator/src/package/provenance.js";
import { archiveEntries, normalizeChartArchive } from "../../generator/src/package/tgz.js";
import type { ThrowawayKey } from "../../generator/src/package/signing.js";
import { chartDir, repoRoot, run, tools } from "../helpers/tools.js";
import { helm, PACKAGE_MAIN, packageChart, renderChart, scratch, throwawayKey } from "./helpers.js";

const chartVersion = (parse(readFileSync(join(chartDir, "Chart.yaml"), "utf8")) as { version: string }).version;
const archiveName = `promstack-${chartVersion}.tgz`;

/** The text an OpenPGP clearsigned document signs, dash-escaping undone (RFC 4880 §7.1). */
function clearsignedText(document: string): string {
  const lines = document.split("\n");
  const begin = lines.indexOf("-----BEGIN PGP SIGNED MESSAGE-----");
  const end = lines.indexOf("-----BEGIN PGP SIGNATURE-----");
  expect(begin, "clearsign header").to.be.at.least(0);
  expect(end, "signature block").to.be.above(begin);
  const body = lines.slice(lines.indexOf("", begin) + 1, end);
  return body.map((line) => line.replace(/^- /, "")).join("\n");
}

function chartFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? chartFiles(full) : [full];
  });
}

describe("distribution: make package", function () {
  let work: ReturnType<typeof scratch>;
  let key: ThrowawayKey;
  let first: Buffer;
  let second: Buffer;
  let commitTime: number;

  before(function () {
    work = scratch("package");
    key = throwawayKey(work.dir);
    for (const out of ["first", "second"]) {
      const result = packageChart(join(work.dir, out), key);
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout).to.match(/signed; helm verify: Signed by: promstack throwaway signing key/);
    }
    first = readFileSync(join(work.dir, "first", archiveName));
    second = readFileSync(join(work.dir, "second", archiveName));
    commitTime = Number(run("git", ["log", "-1", "--format=%ct", "--", chartDir]).stdout.trim());
  });
  after(() => work?.remove());

  it("packaging twice gives the same bytes, every entry dated by the chart's last commit", () => {
    expect(sha256(second)).to.equal(sha256(first));
    expect(Buffer.compare(first, second)).to.equal(0);
    const times = new Set(archiveEntries(first).map((entry) => entry.mtime));
    expect([...times]).to.deep.equal([commitTime]);
  });

  it("a fresh clone elsewhere, with new file times, packages to the same bytes", function () {
    const clone = join(work.dir, "clone");
    // A clone holds the committed chart: comparable only when this checkout's chart is committed as is.
    if (run("git", ["status", "--porcelain", "--", chartDir]).stdout.trim() !== "") this.skip();
    const cloned = run("git", ["clone", "--quiet", "--no-hardlinks", repoRoot, clone]);
    expect(cloned.status, cloned.stderr).to.equal(0);
    const result = run(process.execPath, [PACKAGE_MAIN, "--chart", join(clone, "charts", "promstack"), "--output", join(work.dir, "from-clone")], { env: { HELM: tools.helm, SOURCE_DATE_EPOCH: "" } });
    expect(result.status, result.stderr).to.equal(0);
    expect(sha256(readFileSync(join(work.dir, "from-clone", archiveName)))).to.equal(sha256(first));
  });

  it("SOURCE_DATE_EPOCH dates the entries instead", () => {
    const result = packageChart(join(work.dir, "epoch"), key, { SOURCE_DATE_EPOCH: "1700000000" });
    expect(result.status, result.stderr).to.equal(0);
    const archive = readFileSync(join(work.dir, "epoch", archiveName));
    expect(new Set(archiveEntries(archive).map((entry) => entry.mtime))).to.deep.equal(new Set([1700000000]));
    expect(sha256(archive)).not.to.equal(sha256(first));
  });

  it("holds every chart file except ci/, with helm's contents, and renders like the chart directory", () => {
    const entries = new Map(archiveEntries(first).map((entry) => [entry.name, entry.data]));
    const expected = chartFiles(chartDir)
      .map((file) => relative(chartDir, file))
      .filter((name) => !name.startsWith("ci/"))
      .map((name) => `promstack/${name}`)
      .sort();
    expect([...entries.keys()].sort()).to.deep.equal(expected);
    // helm re-serialises Chart.yaml files; every other file travels unchanged.
    for (const name of expected.filter((n) => !n.endsWith("/Chart.yaml"))) {
      expect(entries.get(name)!.equals(readFileSync(join(chartDir, name.slice("promstack/".length)))), name).to.equal(true);
    }
    expect(renderChart(join(work.dir, "first", archiveName), {})).to.equal(renderChart(chartDir, {}));
    const lint = run(tools.helm, ["lint", "--strict", join(work.dir, "first", archiveName), "-f", join(chartDir, "ci", "raspberry-pi-values.yaml")]);
    expect(lint.status, lint.stdout + lint.stderr).to.equal(0);
  });

  it("helm verify accepts the provenance, and refuses a changed archive or another key", () => {
    const archive = join(work.dir, "first", archiveName);
    const verified = helm(["verify", archive, "--keyring", key.publicKeyring], {});
    expect(verified.stdout).to.include(`Chart Hash Verified: sha256:${sha256(first)}`);

    // Same chart, entries dated one second later: a different archive the signature does not cover.
    cpSync(join(work.dir, "first"), join(work.dir, "tampered"), { recursive: true });
    writeFileSync(join(work.dir, "tampered", archiveName), normalizeChartArchive(first, commitTime + 1));
    const tampered = run(tools.helm, ["verify", join(work.dir, "tampered", archiveName), "--keyring", key.publicKeyring]);
    expect(tampered.status).to.not.equal(0);
    expect(tampered.stderr).to.match(/sha256 sum does not match/);

    const stranger = throwawayKey(join(work.dir, "stranger"));
    const foreign = run(tools.helm, ["verify", archive, "--keyring", stranger.publicKeyring]);
    expect(foreign.status).to.not.equal(0);
    expect(foreign.stderr).to.match(/signature|key/i);
  });

  it("signs the same message `helm package --sign` signs, with the normalised archive's digest", () => {
    const helmOwn = join(work.dir, "helm-sign");
    helm(["package", chartDir, "--destination", helmOwn, "--sign", "--key", key.name, "--keyring", key.keyring], {});
    const helmArchive = readFileSync(join(helmOwn, archiveName));
    const helmMessage = clearsignedText(readFileSync(join(helmOwn, `${archiveName}.prov`), "utf8"));
    const ourMessage = clearsignedText(readFileSync(join(work.dir, "first", `${archiveName}.prov`), "utf8"));
    expect(helmMessage).to.include(`${archiveName}: sha256:${sha256(helmArchive)}`);
    expect(ourMessage).to.equal(helmMessage.replace(sha256(helmArchive), sha256(first)));
  });

  it("a failed signature writes nothing", () => {
    const out = join(work.dir, "unsigned");
    const result = packageChart(out, { ...key, name: "no such key" });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(/package: gpg .* failed/);
    expect(readdirSync(out)).to.deep.equal([]);
  });
});
