// Figures for the generator and the chart, one "name value unit" line each:
// wall time of `promstack generate`, `helm template` time and rendered bytes per profile.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { repoRoot } from "../generator/src/paths.js";

const RUNS = 5;

function timed(command: string, args: string[]): { ms: number; stdout: string } {
  const start = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd: repoRoot, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stderr}`);
  return { ms, stdout: result.stdout };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function figure(name: string, value: number, unit: string): void {
  console.log(`${name} ${Number.isInteger(value) ? value : value.toFixed(1)} ${unit}`);
}

const helm = process.env.HELM;
if (!helm) throw new Error("HELM is not set: run `make bench`");

const out = mkdtempSync(join(tmpdir(), "promstack-bench-"));
try {
  const cli = join(repoRoot, "bin", "promstack.js");
  const generate = Array.from({ length: RUNS }, () => timed(process.execPath, [cli, "generate", "--output", join(out, "chart")]).ms);
  figure("generate_wall_time_median", median(generate), "ms");

  const profiles = readdirSync(join(repoRoot, "values")).filter((f) => f.endsWith(".yaml")).sort();
  for (const profile of profiles) {
    const name = basename(profile, ".yaml");
    const args = ["template", "mon", join(out, "chart"), "--namespace", "monitoring", "-f", join(repoRoot, "values", profile)];
    const runs = Array.from({ length: RUNS }, () => timed(helm, args));
    figure(`helm_template_time_median{profile="${name}"}`, median(runs.map((r) => r.ms)), "ms");
    figure(`rendered_manifest_bytes{profile="${name}"}`, Buffer.byteLength(runs[0]!.stdout), "bytes");
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
