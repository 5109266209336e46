// The node layer's view of the real node of scripts/node/up.sh: which pods it runs for real,
// which go to a kwok node because their image cannot be built here, and how to reach a pod.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { getJson, kubectlOk } from "../cluster/kube.js";
import type { K8sObject } from "../helpers/render.js";
import { repoRoot } from "../helpers/tools.js";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the node tests through make (make test-node)`);
  return value;
}

export const realNode = {
  get name() { return process.env.NODE_NAME ?? "promstack-node"; },
  get workDir() { return join(env("NODE_DIR"), "tests"); },
};

/** Components whose upstream image cannot be built here, and why; they run on a kwok node. */
export const notBuilt: Record<string, string> = {
  kubeStateMetrics: "kube-state-metrics: the Go module proxy refuses its module",
  grafana: "Grafana: AGPL, must not be built here",
  postgresExporter: "postgres-exporter: the Go module proxy refuses its module (403)",
  redisExporter: "redis_exporter: the Go module proxy refuses its module (403)",
};

/** A taint on every kwok node keeps all pods (helm test pods too) off them, unless they tolerate it. */
export const kwokTaint = { key: "promstack.dev/kwok", value: "true", effect: "NoSchedule" };

export function taintKwokNodes(on: boolean): string[] {
  const nodes = getJson(["nodes", "--selector", "type=kwok"]).items.map((n) => n.metadata.name);
  for (const node of nodes) {
    kubectlOk(["taint", "node", node, on ? `${kwokTaint.key}=${kwokTaint.value}:${kwokTaint.effect}` : `${kwokTaint.key}:${kwokTaint.effect}-`, ...(on ? ["--overwrite"] : [])]);
  }
  return nodes;
}

/**
 * Values this layer adds to a profile: every component with an image built here runs on the
 * real node; the others (notBuilt) on a kwok node, tolerating the taint. Only nodeSelector
 * and, for those on kwok, tolerations are set; the profile's other scheduling stays.
 */
export function schedulingValuesFile(profile: string): string {
  const real = { nodeSelector: { "promstack.dev/node": "real" } };
  const kwok = { nodeSelector: { type: "kwok", "kubernetes.io/arch": "amd64" }, tolerations: [{ key: kwokTaint.key, operator: "Exists", effect: kwokTaint.effect }] };
  const values = {
    prometheus: { scheduling: real },
    alertmanager: { scheduling: real },
    "alert-receiver": { scheduling: real },
    grafana: { scheduling: kwok },
    exporters: {
      nodeExporter: { scheduling: real },
      kubeStateMetrics: { scheduling: kwok },
      postgres: { scheduling: kwok },
      redis: { scheduling: kwok },
      blackbox: { scheduling: real },
    },
  };
  mkdirSync(realNode.workDir, { recursive: true });
  const file = join(realNode.workDir, `${profile}-scheduling.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

export interface PodView {
  name: string;
  namespace: string;
  node: string;
  phase: string;
  ready: boolean;
  ip: string;
  restarts: number;
  images: string[];
  component: string;
}

type Pod = K8sObject & {
  spec: { nodeName?: string; containers: Array<{ image: string }> };
  status: { phase?: string; podIP?: string; conditions?: Array<{ type: string; status: string }>; containerStatuses?: Array<{ restartCount: number }> };
};

export function podsOf(release: string, namespaces: string[]): PodView[] {
  return namespaces.flatMap((namespace) =>
    getJson<{ items: Pod[] }>(["pods", "--namespace", namespace, "--selector", `app.kubernetes.io/instance=${release}`]).items.map((pod) => ({
      name: pod.metadata.name,
      namespace,
      node: pod.spec.nodeName ?? "",
      phase: pod.status.phase ?? "",
      ready: (pod.status.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
      ip: pod.status.podIP ?? "",
      restarts: (pod.status.containerStatuses ?? []).reduce((sum, c) => sum + c.restartCount, 0),
      images: pod.spec.containers.map((c) => c.image),
      component: pod.metadata.labels?.["app.kubernetes.io/name"] ?? "",
    })));
}

/** An HTTP GET from the host to a pod's address (the ptp routes reach every pod). */
export async function fetchJson<T>(url: string, timeoutMs = 5000): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/**
 * The Secrets a profile refers to, made from its values/<profile>.secrets.example (the
 * `kubectl create secret` command the generator writes for users), each `<placeholder>`
 * replaced by a test value: on a real node a missing Secret keeps a pod from starting.
 */
export function createProfileSecrets(profile: string, namespace: string): Array<{ name: string; keys: number }> {
  const file = join(repoRoot, "values", `${profile}.secrets.example`);
  if (!existsSync(file)) return [];
  const made: Array<{ name: string; keys: number }> = [];
  const commands = readFileSync(file, "utf8").replace(/\\\n\s*/g, " ").split("\n").filter((line) => line.startsWith("kubectl "));
  for (const command of commands) {
    const name = /create secret generic (\S+)/.exec(command)?.[1];
    if (!name) throw new Error(`${file}: no Secret name in: ${command}`);
    const literals = [...command.matchAll(/--from-literal=([^=\s]+)='([^']*)'/g)].map(([, key, value]) =>
      `--from-literal=${key}=${value!.replace(/<([^>]+)>/g, "http://127.0.0.1:9/test-$1")}`);
    kubectlOk(["create", "secret", "generic", name, "--namespace", namespace, ...literals]);
    made.push({ name, keys: literals.length });
  }
  return made;
}
