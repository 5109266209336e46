// A promstack release on the test cluster: installed by chart-testing, judged by what the API
// server and the controllers made of it, uninstalled with an account of what remains.
import { expect } from "chai";
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadCatalogue, platformServesArchitecture } from "../../generator/src/catalogue.js";
import { chartDir, ctConfig, tools } from "../helpers/tools.js";
import { parseObjects, type K8sObject } from "../helpers/render.js";
import { cluster, eventually, exec, getJson, helmOk, kubectlOk, objectsOf, releaseSecrets, toolPath, type Leftover } from "./kube.js";

export interface ProfileValues {
  global?: { architectures?: string[] };
  prometheus?: { mode?: string };
}

export function ciValuesFile(profile: string): string {
  return join(chartDir, "ci", `${profile}-values.yaml`);
}

export function profileValues(profile: string): ProfileValues {
  return (parse(readFileSync(ciValuesFile(profile), "utf8")) as ProfileValues | null) ?? {};
}

/** Namespaces of one test: the release's (restricted) and node-exporter's (privileged). */
export interface Namespaces { release: string; host: string }

/** Values every install of this layer adds: node-exporter in its own privileged namespace. */
export function clusterSetArgs(namespaces: Namespaces): string[] {
  return ["--set", `exporters.nodeExporter.namespace=${namespaces.host}`];
}

export interface Installed { release: string; seconds: number; output: string }

/**
 * `ct install` of the chart with one profile's ci values. ct installs each ci/*-values.yaml
 * of a chart in turn; a copy holding only this profile's file makes it one install (and one
 * timing), and keeps ct's `helm dependency build` away from the committed chart. ct waits
 * for readiness (helm --wait, kubectl rollout status) and runs `helm test`; the release is
 * kept (--skip-clean-up) for the test to inspect, and the test uninstalls it itself.
 * extraHelmArgs go to helm install after the layer's own (e.g. the node layer's --values).
 */
export function ctInstall(profile: string, namespaces: Namespaces, extraHelmArgs: string[] = []): Installed {
  const copyRoot = join(cluster.workDir, "charts", profile);
  rmSync(copyRoot, { recursive: true, force: true });
  const copy = join(copyRoot, "promstack");
  mkdirSync(copyRoot, { recursive: true });
  cpSync(chartDir, copy, { recursive: true, filter: (source) => !source.startsWith(join(chartDir, "ci") + "/") });
  cpSync(ciValuesFile(profile), join(copy, "ci", `${profile}-values.yaml`));

  const before = new Set(releases(namespaces.release));
  const start = Date.now();
  const result = exec(tools.ct, [
    "install",
    "--config", ctConfig, "--print-config",
    "--charts", copy,
    "--namespace", namespaces.release,
    "--skip-clean-up",
    "--helm-extra-set-args", [...clusterSetArgs(namespaces), ...extraHelmArgs].join(" "),
  ], { cwd: copyRoot, env: { PATH: toolPath(), CT_CONFIG_DIR: process.env.CT_CONFIG_DIR }, timeoutMs: 900_000 });
  const seconds = (Date.now() - start) / 1000;
  const output = result.stdout + result.stderr;
  expect(result.status, output).to.equal(0);
  expect(output).to.contain("All charts installed successfully");
  expect(output, "ct read the repository's ct.yaml").to.contain(`Using config file: ${ctConfig}`);
  const added = releases(namespaces.release).filter((name) => !before.has(name));
  expect(added, "exactly one new release").to.have.length(1);
  return { release: added[0]!, seconds, output };
}

export function releases(namespace: string): string[] {
  return (JSON.parse(helmOk(["list", "--namespace", namespace, "--all", "--output", "json"])) as Array<{ name: string }>).map((r) => r.name);
}

export function manifest(release: string, namespace: string): K8sObject[] {
  return parseObjects(helmOk(["get", "manifest", release, "--namespace", namespace]));
}

/** Every object of the release's manifest exists: the API server admitted each one. */
export function expectAllAdmitted(objects: K8sObject[], namespace: string): void {
  // kubectl wants one namespace per call; node-exporter's objects name their own.
  const byNamespace = new Map<string, K8sObject[]>();
  for (const o of objects) byNamespace.set(o.metadata.namespace ?? namespace, [...(byNamespace.get(o.metadata.namespace ?? namespace) ?? []), o]);
  for (const [ns, group] of byNamespace) {
    const names = kubectlOk(["get", "--namespace", ns, "--filename", "-", "--output", "name"], group.map((o) => JSON.stringify(o)).join("\n---\n"))
      .trim().split("\n");
    expect(names, names.join("\n")).to.have.length(group.length);
  }
}

type Workload = K8sObject & { spec: { replicas?: number }; status?: Record<string, number | undefined> };

function nodeArchitectures(): Map<string, string> {
  const nodes = getJson(["nodes"]).items;
  return new Map(nodes.map((n) => [n.metadata.name, n.metadata.labels?.["kubernetes.io/arch"] ?? "?"]));
}

/**
 * Each Deployment, StatefulSet and DaemonSet of the release has all its pods ready, the pods
 * run only on nodes of the profile's architectures, and a DaemonSet covers every such node.
 */
export function expectWorkloadsReady(objects: K8sObject[], namespaces: Namespaces, architectures: string[], release: string): string[] {
  const arch = nodeArchitectures();
  const eligibleNodes = [...arch.values()].filter((a) => architectures.includes(a)).length;
  const summary: string[] = [];
  for (const object of objects.filter((o) => ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind))) {
    const namespace = object.metadata.namespace ?? namespaces.release;
    const live = getJson<Workload>([object.kind.toLowerCase(), object.metadata.name, "--namespace", namespace]);
    const status = live.status ?? {};
    const [ready, wanted] = object.kind === "DaemonSet"
      ? [status.numberReady ?? 0, status.desiredNumberScheduled ?? -1]
      : [status.readyReplicas ?? 0, live.spec.replicas ?? 1];
    expect(ready, `${object.kind}/${object.metadata.name} ready pods`).to.equal(wanted);
    if (object.kind === "DaemonSet") expect(wanted, `${object.metadata.name}: one pod per ${architectures.join("/")} node`).to.equal(eligibleNodes);
    summary.push(`${object.kind}/${object.metadata.name} ${ready}/${wanted}`);
  }
  const platforms = imagePlatforms();
  const unpinned = new Set<string>();
  for (const namespace of [namespaces.release, namespaces.host]) {
    for (const pod of getJson(["pods", "--namespace", namespace, "--selector", `app.kubernetes.io/instance=${release}`]).items) {
      const spec = (pod as K8sObject & { spec: PodImages & { nodeName?: string } }).spec;
      const node = spec.nodeName ?? "";
      expect(architectures, `pod ${pod.metadata.name} on node ${node}`).to.include(arch.get(node));
      // The node's architecture must be one each image is published for (versions.json), not
      // only one the profile asked for: a wrong affinity or a catalogue slip shows here.
      for (const { image } of [...(spec.initContainers ?? []), ...spec.containers]) {
        const published = platforms.get(withoutRegistry(image));
        if (published === undefined) unpinned.add(image);
        else expect(published.some((platform) => platformServesArchitecture(platform, arch.get(node)!)), `pod ${pod.metadata.name} on ${arch.get(node)} node ${node}: image ${image} is published for ${published.join(", ")}`).to.equal(true);
      }
    }
  }
  if (unpinned.size > 0) summary.push(`images outside versions.json (architecture not checked): ${[...unpinned].sort().join(", ")}`);
  return summary;
}

interface PodImages {
  containers: Array<{ image: string }>;
  initContainers?: Array<{ image: string }>;
}

/** A reference without its registry host (global.imageRegistry may replace it). */
function withoutRegistry(image: string): string {
  const [first, ...rest] = image.replace(/@.*$/, "").split("/");
  return rest.length > 0 && (first!.includes(".") || first!.includes(":") || first === "localhost") ? rest.join("/") : image;
}

/** The platforms each pinned image is published for (versions.json), by reference without registry. */
function imagePlatforms(): Map<string, string[]> {
  return new Map(Object.values(loadCatalogue().images).map(({ repository, tag, platforms }) => [withoutRegistry(`${repository}:${tag}`), platforms]));
}

/** The claims the StatefulSets' volumeClaimTemplates create: kept by Kubernetes after uninstall. */
export function expectedClaims(objects: K8sObject[], namespace: string): Leftover[] {
  const names = objects
    .filter((o) => o.kind === "StatefulSet")
    .flatMap((o) => {
      const spec = (o as K8sObject & { spec: { replicas?: number; volumeClaimTemplates?: K8sObject[] } }).spec;
      return (spec.volumeClaimTemplates ?? []).flatMap((template) =>
        Array.from({ length: spec.replicas ?? 1 }, (_, i) => `${template.metadata.name}-${o.metadata.name}-${i}`));
    });
  // Several revisions may name the same claim; a scaled-down StatefulSet keeps its claims too.
  return [...new Set(names)].map((name) => ({ kind: "PersistentVolumeClaim", name, namespace }));
}

const byName = (a: Leftover, b: Leftover) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`);

/**
 * `helm uninstall`, then wait until the namespaces hold nothing but the claims the chart
 * documents as kept (and no cluster-scoped object of the release remains). Returns them.
 */
export async function uninstallLeavingOnlyClaims(release: string, namespaces: Namespaces, objects: K8sObject[]): Promise<Leftover[]> {
  helmOk(["uninstall", release, "--namespace", namespaces.release, "--wait", "--timeout", "120s"]);
  const claims = expectedClaims(objects, namespaces.release).sort(byName);
  let left: Leftover[] = [];
  try {
    // Pods go through graceful deletion (kwok removes them); controllers clean up after them.
    await eventually("only the documented claims remain", 90, () => {
      left = objectsOf(release, [namespaces.release, namespaces.host]).sort(byName);
      return JSON.stringify(left) === JSON.stringify(claims) ? left : undefined;
    });
  } catch {
    expect(left, "left after uninstall").to.deep.equal(claims);
  }
  return left;
}

export function releaseSecretReport(release: string, namespace: string): string {
  const secrets = releaseSecrets(release, namespace);
  expect(secrets.length, "one Helm release Secret per revision").to.be.greaterThan(0);
  for (const secret of secrets) expect(secret.bytes, `${secret.name} below Kubernetes' 1 MiB limit`).to.be.below(1024 * 1024);
  return secrets.map((s) => `${s.name}: ${s.bytes} bytes (${((100 * s.bytes) / (1024 * 1024)).toFixed(1)}% of 1 MiB)`).join(", ");
}
