// The node layer's view of the real node of scripts/node/up.sh: which pods it runs for real,
// which go to a kwok node because their image cannot be built here, and how to reach a pod.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { getJson, kubectlOk } from "../cluster/kube.js";
import { helmTemplate, parseObjects, type K8sObject } from "../helpers/render.js";
import { repoRoot } from "../helpers/tools.js";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the node tests through make (make test-node)`);
  return value;
}

export const realNode = {
  get name() { return process.env.NODE_NAME ?? "promstack-node"; },
  get workDir() { return join(env("NODE_DIR"), "tests"); },
  /** amd64, or arm64 for the node of make node-up-arm64 (its kubelet and images under qemu). */
  get arch() { return process.env.NODE_ARCH ?? "amd64"; },
};

/** ELF e_machine values of the architectures a node may run. */
const elfMachines: Record<number, string> = { 0x3e: "amd64", 0xb7: "arm64" };

export interface ContainerProgram {
  container: string;
  pid: number;
  /** What the kernel runs: the program itself, or binfmt_misc's interpreter (qemu) for a foreign one. */
  exe: string;
  /** The program file inside the container and the architecture its ELF header names. */
  program: string;
  machine: string;
}

/** The pids of a container: the kubelet's cgroupfs layout names the cgroup after the container ID. */
function containerPids(containerId: string): number[] {
  const find = (dir: string, depth: number): string | undefined => {
    let entries: string[];
    try { entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name); } catch { return undefined; }
    if (entries.includes(containerId)) return join(dir, containerId);
    return depth === 0 ? undefined : entries.map((e) => find(join(dir, e), depth - 1)).find(Boolean);
  };
  const cgroup = find("/sys/fs/cgroup/pids/kubepods", 3);
  if (!cgroup) throw new Error(`no cgroup for container ${containerId} under /sys/fs/cgroup/pids/kubepods`);
  return readFileSync(join(cgroup, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
}

/**
 * What really runs in each container of a pod on this host: the first process's executable as the
 * kernel sees it (/proc/<pid>/exe) and, read through the container's root, the program file
 * it executes with the architecture of its ELF header. Under binfmt_misc (flags F and P) the
 * kernel runs the interpreter with the program's path, then its own argv[0], then its arguments.
 */
export function containerPrograms(pod: { name: string; namespace: string }): ContainerProgram[] {
  type Status = { name: string; containerID?: string; state?: { running?: unknown } };
  const statuses = getJson<K8sObject & { status: { containerStatuses?: Status[] } }>(["pod", pod.name, "--namespace", pod.namespace]).status.containerStatuses ?? [];
  return statuses.filter((c) => c.state?.running && c.containerID).map((c) => {
    const id = c.containerID!.replace(/^containerd:\/\//, "");
    const pid = Math.min(...containerPids(id));
    const exe = readlinkSync(`/proc/${pid}/exe`);
    // Under qemu the program is the interpreter's first argument, the path the kernel was given;
    // otherwise the process's own executable is the program.
    const emulated = /\/qemu-[a-z0-9_]+-static$/.test(exe);
    const program = emulated ? readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[1]! : exe;
    const file = emulated ? join(`/proc/${pid}/root`, program.startsWith("/") ? program : join(readlinkSync(`/proc/${pid}/cwd`), program)) : `/proc/${pid}/exe`;
    const header = Buffer.alloc(20);
    const fd = openSync(file, "r");
    try { readSync(fd, header, 0, 20, 0); } finally { closeSync(fd); }
    if (header.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${pod.name}/${c.name}: ${program} is not an ELF file`);
    return { container: c.name, pid, exe, program, machine: elfMachines[header.readUInt16LE(18)] ?? `e_machine 0x${header.readUInt16LE(18).toString(16)}` };
  });
}

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

/** The values path and pod label (app.kubernetes.io/name) of each component this layer places. */
const components = [
  { path: ["prometheus"], name: "prometheus", real: true },
  { path: ["alertmanager"], name: "alertmanager", real: true },
  { path: ["alert-receiver"], name: "alert-receiver", real: true },
  { path: ["exporters", "nodeExporter"], name: "node-exporter", real: true },
  { path: ["exporters", "blackbox"], name: "blackbox-exporter", real: true },
  { path: ["grafana"], name: "grafana", real: false },
  { path: ["exporters", "kubeStateMetrics"], name: "kube-state-metrics", real: false },
  { path: ["exporters", "postgres"], name: "postgres-exporter", real: false },
  { path: ["exporters", "redis"], name: "redis-exporter", real: false },
] as const;

function setPath(target: Record<string, any>, path: readonly string[], value: Record<string, unknown>): void {
  let node = target;
  for (const key of path) node = node[key] ??= {};
  Object.assign(node, value);
}

export interface NodeValues {
  file: string;
  /** What this file changes beyond placement, each a test-only override the output must state. */
  overrides: string[];
}

/**
 * Values this layer adds to a profile: every component with an image built here runs on the
 * real node; the others (notBuilt) on a kwok node, tolerating the taint, and a claim of theirs
 * (Grafana's) gets kwok's volume class so it is not bound to a folder on the real node. Only
 * nodeSelector, tolerations and that storage class are set; the profile's other scheduling stays.
 * When the CPU the real node's pods request exceeds what the node can allocate (gorax asks 2
 * cores per Prometheus replica on a 2-core machine), the real components' CPU requests are
 * scaled down by one factor, a test-only override returned in `overrides` for the output to
 * print. No component has a CPU limit, so a lower request changes scheduling, not speed.
 */
export function nodeValuesFile(profile: string, ciValues: string, allocatableMilliCpu: number): NodeValues {
  // On the arm64 node the architecture is selected too (the profiles allow amd64 and arm64).
  const real = { nodeSelector: { "promstack.dev/node": "real", ...(realNode.arch === "amd64" ? {} : { "kubernetes.io/arch": realNode.arch }) } };
  const kwok = { nodeSelector: { type: "kwok", "kubernetes.io/arch": "amd64" }, tolerations: [{ key: kwokTaint.key, operator: "Exists", effect: kwokTaint.effect }] };
  const values: Record<string, any> = {};
  for (const c of components) setPath(values, c.path, { scheduling: c.real ? real : kwok });
  setPath(values, ["grafana"], { persistence: { storageClass: "kwok-volume" } });
  mkdirSync(realNode.workDir, { recursive: true });
  const file = join(realNode.workDir, `${profile}-node-values.yaml`);
  writeFileSync(file, stringify(values, { aliasDuplicateObjects: false }));

  const rendered = parseObjects(helmTemplate([ciValues, file]));
  const overrides: string[] = [];
  if (rendered.some((o) => o.kind === "PersistentVolumeClaim" && o.metadata.labels?.["app.kubernetes.io/name"] === "grafana")) {
    overrides.push("grafana.persistence.storageClass=kwok-volume (Grafana runs on kwok: its claim gets a kwok volume, not a folder on the real node)");
  }
  // One real node cannot hold replicas that must each have a node of their own.
  const hard = hardAntiAffinity(rendered);
  if (hard.length > 0) {
    for (const c of hard) setPath(values, c.path, { antiAffinity: "soft" });
    writeFileSync(file, stringify(values, { aliasDuplicateObjects: false }));
    overrides.push(`${hard.map((c) => `${c.path.join(".")}.antiAffinity=soft`).join(", ")} (the profile's "hard" needs a node per replica; here is one real node)`);
  }
  // What the real node's pods would request as the profile stands.
  const requests = realNodeCpuRequests(rendered);
  const total = requests.scalable.reduce((sum, r) => sum + r.milli * r.pods, 0) + requests.fixed;
  // Headroom for one pod more during a rolling update, and the re-run test pods.
  const budget = Math.floor(allocatableMilliCpu * 0.85);
  if (total > budget) {
    const factor = (budget - requests.fixed) / (total - requests.fixed);
    if (factor <= 0) throw new Error(`${profile}: the real node's ${allocatableMilliCpu}m cannot hold even the unscaled sidecars' ${requests.fixed}m`);
    const changes: string[] = [];
    for (const r of requests.scalable) {
      const scaled = Math.max(1, Math.floor(r.milli * factor));
      setPath(values, [...r.path, "resources"], { requests: { cpu: `${scaled}m` } });
      changes.push(`${r.name} ${r.milli}m → ${scaled}m (×${r.pods})`);
    }
    writeFileSync(file, stringify(values, { aliasDuplicateObjects: false }));
    overrides.push(`CPU requests scaled ×${factor.toFixed(2)} because the profile's real-node pods request ${total}m and the node allocates ${allocatableMilliCpu}m: ${changes.join(", ")}; memory, limits and everything else as the profile says`);
  }
  return { file, overrides };
}

/** Components on the real node whose replicas the rendered pods require on different nodes. */
function hardAntiAffinity(objects: K8sObject[]): Array<(typeof components)[number]> {
  type Workload = K8sObject & { spec: { replicas?: number; template: PodTemplate & { spec: { affinity?: { podAntiAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: Array<{ topologyKey: string }> } } } } } };
  return components.filter((c) => c.real && objects.some((o) => {
    if (!["StatefulSet", "Deployment"].includes(o.kind)) return false;
    const spec = (o as Workload).spec;
    return spec.template.metadata?.labels?.["app.kubernetes.io/name"] === c.name && (spec.replicas ?? 1) > 1 &&
      (spec.template.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).some((t) => t.topologyKey === "kubernetes.io/hostname");
  }));
}

/** "2", "1.5", "500m" as millicores. */
export function milliCpu(quantity: string | number | undefined): number {
  if (quantity === undefined) return 0;
  const text = String(quantity);
  if (/^\d+m$/.test(text)) return Number(text.slice(0, -1));
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  throw new Error(`unexpected CPU quantity ${text}`);
}

type PodTemplate = { metadata?: { labels?: Record<string, string> }; spec: { nodeSelector?: Record<string, string>; containers: Array<{ name: string; resources?: { requests?: { cpu?: string } } }>; initContainers?: Array<{ resources?: { requests?: { cpu?: string } } }> } };

/**
 * CPU the rendered workloads ask of the real node: each component's main container (the one
 * its values' `resources` sets, named like the component or its values key) is scalable;
 * sidecars and init containers, and the largest test pod, are fixed.
 */
function realNodeCpuRequests(objects: K8sObject[]): { scalable: Array<{ name: string; path: readonly string[]; milli: number; pods: number }>; fixed: number } {
  const scalable: Array<{ name: string; path: readonly string[]; milli: number; pods: number }> = [];
  let fixed = 0;
  let largestTestPod = 0;
  for (const o of objects) {
    const workload = o as K8sObject & { spec: { replicas?: number; template?: PodTemplate } & Partial<PodTemplate["spec"]> };
    const isTest = o.kind === "Pod" && (o.metadata as { annotations?: Record<string, string> }).annotations?.["helm.sh/hook"] === "test";
    const template = ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind) ? workload.spec.template : isTest ? { metadata: o.metadata, spec: workload.spec as PodTemplate["spec"] } : undefined;
    if (!template) continue;
    if (isTest) {
      largestTestPod = Math.max(largestTestPod, template.spec.containers.reduce((sum, c) => sum + milliCpu(c.resources?.requests?.cpu), 0));
      continue;
    }
    if (template.spec.nodeSelector?.["promstack.dev/node"] !== "real") continue;
    const pods = o.kind === "DaemonSet" ? 1 : workload.spec.replicas ?? 1;
    const component = components.find((c) => c.name === template.metadata?.labels?.["app.kubernetes.io/name"]);
    for (const container of template.spec.containers) {
      const milli = milliCpu(container.resources?.requests?.cpu);
      if (component && (container.name === component.name || container.name === component.path.at(-1))) scalable.push({ name: component.name, path: component.path, milli, pods });
      else fixed += milli * pods;
    }
    for (const init of template.spec.initContainers ?? []) fixed += milliCpu(init.resources?.requests?.cpu) * pods;
  }
  return { scalable, fixed: fixed + largestTestPod };
}

export interface PodView {
  name: string;
  uid: string;
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
      uid: (pod.metadata as { uid?: string }).uid ?? "",
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
