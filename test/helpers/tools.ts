// Paths of the pinned tools (set by the Makefile) and a way to run them that returns
// everything a test needs to judge the result.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../generator/src/paths.js";

export { repoRoot };

function tool(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through make (e.g. make test-render)`);
  return value;
}

export const tools = {
  get helm() { return tool("HELM"); },
  get ct() { return tool("CT"); },
  get promtool() { return tool("PROMTOOL"); },
  get amtool() { return tool("AMTOOL"); },
  get kubernetesValidate() { return tool("KUBERNETES_VALIDATE"); },
  get k8sMinor() { return tool("K8S_MINOR"); },
};

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    env: { ...process.env, ...options.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: 240_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function promstack(args: string[]): RunResult {
  return run(process.execPath, [join(repoRoot, "bin", "promstack.js"), ...args]);
}

export const chartDir = join(repoRoot, "charts", "promstack");

/** chart-testing's configuration at the repository root: every ct lint and ct install reads it. */
export const ctConfig = join(repoRoot, "ct.yaml");

export function profileFiles(): string[] {
  const dir = join(repoRoot, "values");
  return readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort().map((f) => join(dir, f));
}
