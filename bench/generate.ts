// Figures for the generator and the chart, one "name value unit" line each:
// wall time of `promstack generate`, `helm template` time and rendered bytes per profile, and
// that time as a ratio against Helm's floor, a chart of one ConfigMap rendered alternately
// with each profile in the same run (the machine is noisy: compare the ratio).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { repoRoot } from "../generator/src/paths.js";

const RUNS = 5;
const HELM_RUNS = 9;

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

  const floorChart = join(out, "floor");
  mkdirSync(join(floorChart, "templates"), { recursive: true });
  writeFileSync(join(floorChart, "Chart.yaml"), "apiVersion: v2\nname: floor\nversion: 0.1.0\n");
  writeFileSync(join(floorChart, "templates", "configmap.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-floor\ndata:\n  key: value\n");
  const floorArgs = ["template", "mon", floorChart, "--namespace", "monitoring"];

  const profiles = readdirSync(join(repoRoot, "values")).filter((f) => f.endsWith(".yaml")).sort();
  for (const profile of profiles) {
    const name = basename(profile, ".yaml");
    const args = ["template", "mon", join(out, "chart"), "--namespace", "monitoring", "-f", join(repoRoot, "values", profile)];
    const floors: number[] = [];
    const runs = Array.from({ length: HELM_RUNS }, () => (floors.push(timed(helm, floorArgs).ms), timed(helm, args)));
    const time = median(runs.map((r) => r.ms));
    figure(`helm_template_time_median{profile="${name}"}`, time, "ms");
    figure(`helm_template_floor_time_median{profile="${name}",chart="one ConfigMap"}`, median(floors), "ms");
    console.log(`helm_template_ratio{profile="${name}"} ${(time / median(floors)).toFixed(2)} ratio`);
    figure(`rendered_manifest_bytes{profile="${name}"}`, Buffer.byteLength(runs[0]!.stdout), "bytes");
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
