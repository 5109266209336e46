// `make package`: helm packages the chart, the archive is made reproducible (tgz.ts), and
// its provenance is signed after that step, because `helm package --sign` would sign the
// archive before its time stamps are fixed. `helm verify` then judges the result.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { provenanceMessage, sha256 } from "./provenance.js";
import { clearsign, type SigningKey } from "./signing.js";
import { normalizeChartArchive } from "./tgz.js";

export interface PackageOptions {
  helm: string;
  chartDir: string;
  outputDir: string;
  /** Seconds since the epoch every archive entry is dated with. */
  mtime: number;
  key?: SigningKey;
  /** Keyring `helm verify` checks the signature with (default: the signing keyring). */
  verifyKeyring?: string;
}

export interface PackageResult {
  archive: string;
  sha256: string;
  provenance?: string;
  verification?: string;
}

function helm(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8", timeout: 300_000 });
  if (result.error) throw new Error(`cannot run helm (${command}): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`helm ${args[0]} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/**
 * The time archive entries carry: SOURCE_DATE_EPOCH when set (the reproducible-builds
 * convention), otherwise the commit time of the last commit that changed the chart.
 */
export function sourceDateEpoch(chartDir: string, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = env.SOURCE_DATE_EPOCH;
  if (fromEnv !== undefined && fromEnv !== "") {
    if (!/^\d+$/.test(fromEnv)) throw new Error(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got "${fromEnv}"`);
    return Number(fromEnv);
  }
  const log = spawnSync("git", ["log", "-1", "--format=%ct", "--", "."], { cwd: resolve(chartDir), encoding: "utf8" });
  const stamp = log.status === 0 ? log.stdout.trim() : "";
  if (!/^\d+$/.test(stamp)) throw new Error(`no git commit touches ${chartDir}: set SOURCE_DATE_EPOCH to date the archive`);
  return Number(stamp);
}

/**
 * Packages, normalises, signs and verifies in a staging folder inside the output folder,
 * then moves the results into place: a failure at any step leaves the output as it was.
 */
export function packageChart(options: PackageOptions): PackageResult {
  mkdirSync(options.outputDir, { recursive: true });
  const stage = mkdtempSync(join(options.outputDir, ".package-"));
  try {
    helm(options.helm, ["package", resolve(options.chartDir), "--destination", join(stage, "helm")]);
    const archives = readdirSync(join(stage, "helm")).filter((name) => name.endsWith(".tgz"));
    if (archives.length !== 1) throw new Error(`helm package wrote ${archives.length} archives, expected one`);
    const name = archives[0]!;
    const archive = normalizeChartArchive(readFileSync(join(stage, "helm", name)), options.mtime);
    writeFileSync(join(stage, name), archive);

    const result: PackageResult = { archive: resolve(options.outputDir, name), sha256: sha256(archive) };
    if (options.key) {
      // gpg leaves the line break before the signature armour out of the signed text, while
      // helm's signer keeps the message's final line break in; one more makes them sign alike.
      writeFileSync(join(stage, `${name}.prov`), clearsign(options.key, `${provenanceMessage(name, archive)}\n`));
      const keyring = resolve(options.verifyKeyring ?? options.key.keyring);
      result.verification = helm(options.helm, ["verify", join(stage, name), "--keyring", keyring]).trim();
      result.provenance = `${result.archive}.prov`;
    }
    rmSync(`${result.archive}.prov`, { force: true }); // a stale signature must not sit beside a new archive
    renameSync(join(stage, name), result.archive);
    if (result.provenance) renameSync(join(stage, `${name}.prov`), result.provenance);
    return result;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
