// Wall time of `promstack validate` on one profile, as a user runs it (a fresh process), with
// the floor of any Node program, `node -e 0`, timed in the same run and interleaved with it
// (the machine is noisy: compare the ratio). The static checks (--no-tools) per profile; the
// default run, which adds helm, promtool and amtool, for one profile when the tools are set.
// The CPU time of the same commands (user and system, all threads) is printed beside: it swings
// less than wall time when other work shares the machine.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { repoRoot } from "../generator/src/paths.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const cli = join(repoRoot, "bin", "promstack.js");

function seconds(args: string[]): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: repoRoot, encoding: "utf8" });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  return elapsed;
}

const cpuDir = mkdtempSync(join(tmpdir(), "promstack-bench-cpu-"));
const cpuFile = join(cpuDir, "cpu.txt");
const preload = new URL("./cpu-usage.js", import.meta.url).href;

/** CPU seconds of one run of the command, reported by the preloaded cpu-usage module. */
function cpuSeconds(args: string[]): number {
  rmSync(cpuFile, { force: true });
  const result = spawnSync(process.execPath, ["--import", preload, ...args], { cwd: repoRoot, encoding: "utf8", env: { ...process.env, BENCH_CPU_FILE: cpuFile } });
  if (result.status !== 0) throw new Error(`node ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  return Number(readFileSync(cpuFile, "utf8").trim());
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

interface Timing {
  wall: number;
  floor: number;
  cpu: number;
  floorCpu: number;
}

/** Median wall and CPU time of the command and of the floor, run alternately. */
function timed(args: string[], runs = RUNS): Timing {
  seconds(args); // warm the file cache
  const walls: number[] = [];
  const floors: number[] = [];
  const cpus: number[] = [];
  const floorCpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    floors.push(seconds(["-e", "0"]));
    walls.push(seconds(args));
  }
  for (let i = 0; i < runs; i++) {
    floorCpus.push(cpuSeconds(["-e", "0"]));
    cpus.push(cpuSeconds(args));
  }
  return { wall: median(walls), floor: median(floors), cpu: median(cpus), floorCpu: median(floorCpus) };
}

function print(labels: string, { wall, floor, cpu, floorCpu }: Timing): void {
  console.log(`validate_wall_seconds{${labels}} ${wall.toFixed(3)} s`);
  console.log(`validate_floor_wall_seconds{${labels},command="node -e 0"} ${floor.toFixed(3)} s`);
  console.log(`validate_wall_ratio{${labels}} ${(wall / floor).toFixed(2)} ratio`);
  console.log(`validate_cpu_seconds{${labels}} ${cpu.toFixed(3)} s`);
  console.log(`validate_floor_cpu_seconds{${labels},command="node -e 0"} ${floorCpu.toFixed(3)} s`);
  console.log(`validate_cpu_ratio{${labels}} ${(cpu / floorCpu).toFixed(2)} ratio`);
}

const profiles = readdirSync(join(repoRoot, "values")).filter((f) => f.endsWith(".yaml")).sort();
for (const profile of profiles) {
  print(`profile="${basename(profile, ".yaml")}",tools="none"`, timed([cli, "validate", "--no-tools", join("values", profile)]));
}
if (process.env.PROMSTACK_HELM) {
  print(`profile="raspberry-pi",tools="helm,promtool,amtool"`, timed([cli, "validate", join("values", "raspberry-pi.yaml")], 5));
}
rmSync(cpuDir, { recursive: true, force: true });
