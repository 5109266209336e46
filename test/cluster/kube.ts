// The cluster layer's view of the cluster of scripts/cluster/up.sh: kubectl and helm against
// its API server, namespaces at a Pod Security level, and what a release leaves behind.
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, tools, type RunResult } from "../helpers/tools.js";
import type { K8sObject } from "../helpers/render.js";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the cluster tests through make (make test-cluster)`);
  return value;
}

export const cluster = {
  get kubectl() { return env("KUBECTL"); },
  get kubeconfig() { return env("KUBECONFIG"); },
  get operatorCrds() { return env("PROMETHEUS_OPERATOR_CRDS"); },
  /** Scratch space of this layer, next to the cluster's own state. */
  get workDir() { return join(env("CLUSTER_DIR"), "tests"); },
};

/** Runs a command with the cluster's kubeconfig; minutes, not seconds: installs wait for readiness. */
export function exec(command: string, args: string[], options: { input?: string; cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): RunResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    env: { ...process.env, KUBECONFIG: cluster.kubeconfig, ...options.env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    timeout: options.timeoutMs ?? 600_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function must(result: RunResult, what: string): string {
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

export function kubectl(args: string[], input?: string): RunResult {
  return exec(cluster.kubectl, args, input === undefined ? {} : { input });
}

export function kubectlOk(args: string[], input?: string): string {
  return must(kubectl(args, input), `kubectl ${args.join(" ")}`);
}

export function helm(args: string[]): RunResult {
  return exec(tools.helm, args);
}

export function helmOk(args: string[]): string {
  return must(helm(args), `helm ${args.join(" ")}`);
}

export function getJson<T = { items: K8sObject[] }>(args: string[]): T {
  return JSON.parse(kubectlOk(["get", ...args, "--output", "json"])) as T;
}

/** A folder whose helm and kubectl are the pinned ones, to put first on PATH for ct. */
export function toolPath(): string {
  const dir = join(cluster.workDir, "bin");
  mkdirSync(dir, { recursive: true });
  for (const [name, target] of [["helm", tools.helm], ["kubectl", cluster.kubectl]] as const) {
    if (!existsSync(join(dir, name))) symlinkSync(target, join(dir, name));
  }
  return `${dir}:${process.env.PATH}`;
}

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** A fresh namespace whose Pod Security admission enforces (and warns at) the given level. */
export function createNamespace(name: string, level: PodSecurityLevel): void {
  deleteNamespace(name);
  kubectlOk(["apply", "--filename", "-"], JSON.stringify({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name,
      labels: {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": level,
      },
    },
  }));
}

export function deleteNamespace(name: string): void {
  kubectlOk(["delete", "namespace", name, "--ignore-not-found", "--wait", "--timeout", "120s"]);
}

export async function eventually<T>(what: string, seconds: number, probe: () => T | undefined): Promise<T> {
  let last: unknown;
  for (let i = 0; i < seconds; i++) {
    try {
      const value = probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`${what}: not reached within ${seconds}s${last ? `; last error: ${String(last)}` : ""}`);
}

/** The Prometheus Operator's CRDs, from its module at the pinned version; idempotent. */
export function installOperatorCrds(): string[] {
  // Server-side apply: the CRDs are larger than the last-applied annotation allows.
  const out = kubectlOk(["apply", "--server-side", "--force-conflicts", "--filename", cluster.operatorCrds]);
  kubectlOk(["wait", "--for", "condition=Established", "--timeout", "60s", "--filename", cluster.operatorCrds]);
  return out.trim().split("\n");
}

/** Every listable resource type, namespaced or not, as kubectl names them. */
function resourceTypes(namespaced: boolean): string[] {
  return kubectlOk(["api-resources", "--verbs", "list", `--namespaced=${namespaced}`, "--output", "name"])
    .trim().split("\n")
    // Events record history and are not owned by the release.
    .filter((type) => type !== "events" && type !== "events.events.k8s.io");
}

export interface Leftover { kind: string; name: string; namespace?: string }

/**
 * Everything in the given namespaces, and every cluster-scoped object labelled as part of the
 * release, except what the API server or the controllers put in every namespace.
 */
export function objectsOf(release: string, namespaces: string[]): Leftover[] {
  const found: Leftover[] = [];
  const collect = (list: { items: K8sObject[] }) => {
    for (const item of list.items) {
      const entry: Leftover = { kind: item.kind, name: item.metadata.name };
      if (item.metadata.namespace) entry.namespace = item.metadata.namespace;
      found.push(entry);
    }
  };
  const namespacedTypes = resourceTypes(true).join(",");
  for (const namespace of namespaces) collect(getJson(["--namespace", namespace, namespacedTypes]));
  collect(getJson([resourceTypes(false).join(","), "--selector", `app.kubernetes.io/instance=${release}`]));
  const everywhere = (o: Leftover) =>
    (o.kind === "ConfigMap" && o.name === "kube-root-ca.crt") || (o.kind === "ServiceAccount" && o.name === "default");
  return found.filter((o) => !everywhere(o));
}

/** The size of each stored revision of a release: Helm keeps it, gzipped and base64-encoded, in a Secret. */
export function releaseSecrets(release: string, namespace: string): Array<{ name: string; bytes: number }> {
  const list = getJson<{ items: Array<K8sObject & { data?: Record<string, string> }> }>(
    ["secrets", "--namespace", namespace, "--selector", `owner=helm,name=${release}`],
  );
  return list.items.map((secret) => ({
    name: secret.metadata.name,
    // What the API server stores and the 1 MiB limit applies to: the decoded data.
    bytes: Object.values(secret.data ?? {}).reduce((sum, value) => sum + Buffer.from(value, "base64").length, 0),
  }));
}
