// Shared steps of the distribution tests: packaging through the `make package` entry point,
// a private helm home per test, and chart renders to compare.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createThrowawayKey, type ThrowawayKey } from "../../generator/src/package/signing.js";
import { repoRoot, run, tools, type RunResult } from "../helpers/tools.js";

export const PACKAGE_MAIN = join(repoRoot, "dist", "generator", "src", "package", "main.js");

export function tool(name: "REGISTRY" | "ACTIONLINT" | "FLUX_CRDS"): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests through make test-distribution`);
  return value;
}

/** A scratch directory removed by the returned cleanup. */
export function scratch(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `promstack-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function throwawayKey(dir: string): ThrowawayKey {
  return createThrowawayKey(join(dir, "key"));
}

/** Runs the `make package` entry point; env adds to (or, with "", unsets) variables. */
export function packageChart(output: string, key: ThrowawayKey, env: Record<string, string> = {}): RunResult {
  return run(process.execPath, [PACKAGE_MAIN, "--output", output, "--key", key.name, "--keyring", key.keyring], {
    env: { HELM: tools.helm, SOURCE_DATE_EPOCH: "", ...env },
  });
}

/** Environment giving helm its own repositories, cache and registry logins under `dir`. */
export function helmHome(dir: string): Record<string, string> {
  const home = join(dir, "helm-home");
  for (const sub of ["config", "cache", "data"]) mkdirSync(join(home, sub), { recursive: true });
  return {
    HELM_CONFIG_HOME: join(home, "config"),
    HELM_CACHE_HOME: join(home, "cache"),
    HELM_DATA_HOME: join(home, "data"),
    HELM_REPOSITORY_CONFIG: join(home, "config", "repositories.yaml"),
    HELM_REPOSITORY_CACHE: join(home, "cache", "repository"),
    HELM_REGISTRY_CONFIG: join(home, "config", "registry.json"),
  };
}

export function helm(args: string[], env: Record<string, string>): RunResult {
  const result = run(tools.helm, args, { env });
  if (result.status !== 0) throw new Error(`helm ${args.join(" ")} failed (${result.status}):\n${result.stderr}`);
  return result;
}

export const PROFILE = join(repoRoot, "values", "raspberry-pi.yaml");

/**
 * `helm template` of a chart reference (directory, archive, repo/chart, oci://...). Renders
 * are compared, so Grafana's admin Secret and the receiver's token Secret are named: the ones
 * the chart creates otherwise hold a password or token drawn at random on every render.
 */
export function renderChart(chart: string, env: Record<string, string>, extraArgs: string[] = []): string {
  const deterministic = ["--set", "grafana.admin.existingSecret=grafana-admin", "--set", "alert-receiver.tokenSecret.name=receiver-token", "--set", "alert-receiver.tokenSecret.key=token"];
  return helm(["template", "monitoring", chart, "--namespace", "monitoring", "-f", PROFILE, ...deterministic, ...extraArgs], env).stdout;
}
