// Wall time of `promstack validate` on one profile, as a user runs it (a fresh process), with
// the floor of any Node program, `node -e 0`, timed in the same run and interleaved with it
// (the machine is noisy: compare the ratio). The static checks (--no-tools) per profile; the
// default run, which adds helm, promtool and amtool, for one profile when the tools are set.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median wall of the command and of the floor, run alternately. */
function timed(args: string[], runs = RUNS): { wall: number; floor: number } {
  seconds(args); // warm the file cache
  const walls: number[] = [];
  const floors: number[] = [];
  for (let i = 0; i < runs; i++) {
    floors.push(seconds(["-e", "0"]));
    walls.push(seconds(args));
  }
  return { wall: median(walls), floor: median(floors) };
}

function print(labels: string, { wall, floor }: { wall: number; floor: number }): void {
  console.log(`validate_wall_seconds{${labels}} ${wall.toFixed(3)} s`);
  console.log(`validate_floor_wall_seconds{${labels},command="node -e 0"} ${floor.toFixed(3)} s`);
  console.log(`validate_wall_ratio{${labels}} ${(wall / floor).toFixed(2)} ratio`);
}

const profiles = readdirSync(join(repoRoot, "values")).filter((f) => f.endsWith(".yaml")).sort();
for (const profile of profiles) {
  print(`profile="${basename(profile, ".yaml")}",tools="none"`, timed([cli, "validate", "--no-tools", join("values", profile)]));
}
if (process.env.PROMSTACK_HELM) {
  print(`profile="raspberry-pi",tools="helm,promtool,amtool"`, timed([cli, "validate", join("values", "raspberry-pi.yaml")], 5));
}
