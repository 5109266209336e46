// What Flux's controllers report on the cluster's objects (conditions, artifacts, release
// history), and the releases Helm stored for them, read from the Secrets themselves.
import { gunzipSync } from "node:zlib";
import { parseObjects, type K8sObject } from "../helpers/render.js";
import { eventually, getJson, kubectlOk } from "./kube.js";

export const KINDS = {
  OCIRepository: "ocirepositories.source.toolkit.fluxcd.io",
  HelmRepository: "helmrepositories.source.toolkit.fluxcd.io",
  HelmChart: "helmcharts.source.toolkit.fluxcd.io",
  HelmRelease: "helmreleases.helm.toolkit.fluxcd.io",
} as const;

export interface Condition { type: string; status: string; reason?: string; message?: string }

export interface FluxObject extends K8sObject {
  metadata: K8sObject["metadata"] & { generation?: number; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: {
    observedGeneration?: number;
    conditions?: Condition[];
    lastHandledReconcileAt?: string;
    artifact?: { revision: string; url: string };
    /** HelmRelease: newest first. */
    history?: Array<{ name: string; version: number; chartVersion: string; status: string }>;
    installFailures?: number;
    upgradeFailures?: number;
    failures?: number;
  };
}

export type FluxKind = keyof typeof KINDS;
export interface Ref { kind: FluxKind; name: string; namespace: string }

export function fluxObject(ref: Ref): FluxObject {
  return getJson<FluxObject>([KINDS[ref.kind], ref.name, "--namespace", ref.namespace]);
}

export function condition(object: FluxObject, type: string): Condition | undefined {
  return object.status?.conditions?.find((c) => c.type === type);
}

/** Ready=True for the object's current generation. */
export function isReady(object: FluxObject): boolean {
  return condition(object, "Ready")?.status === "True" && object.status?.observedGeneration === object.metadata.generation;
}

export function describeConditions(object: FluxObject | undefined): string {
  return (object?.status?.conditions ?? []).map((c) => `${c.type}=${c.status} ${c.reason ?? ""}: ${c.message ?? ""}`).join("\n") || "no conditions";
}

/** Waits until `accept` holds for the object; the timeout message shows its conditions. */
export async function waitFor(ref: Ref, what: string, seconds: number, accept: (o: FluxObject) => boolean): Promise<FluxObject> {
  let last: FluxObject | undefined;
  try {
    return await eventually(`${ref.kind} ${ref.namespace}/${ref.name} ${what}`, seconds, () => {
      last = fluxObject(ref);
      return accept(last) ? last : undefined;
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${describeConditions(last)}`);
  }
}

/**
 * What `flux reconcile` does: sets the requestedAt annotation and waits until the controller
 * reports having handled that request.
 */
export async function reconcileNow(ref: Ref, seconds = 120): Promise<FluxObject> {
  const token = new Date().toISOString();
  kubectlOk(["annotate", "--overwrite", KINDS[ref.kind], ref.name, "--namespace", ref.namespace, `reconcile.fluxcd.io/requestedAt=${token}`]);
  return waitFor(ref, `handled the reconcile request ${token}`, seconds, (o) => o.status?.lastHandledReconcileAt === token);
}

/** One revision of a Helm release as Helm stores it (the JSON inside its Secret). */
export interface StoredRelease {
  name: string;
  namespace: string;
  version: number;
  info: { status: string; description?: string };
  chart: { metadata: { version: string } };
  config?: Record<string, unknown>;
  manifest: string;
  hooks?: Array<{ name: string; kind: string; manifest: string }>;
}

/**
 * Every stored revision of a release, oldest first. Helm keeps each in a Secret
 * sh.helm.release.v1.<name>.v<N>: its `release` key is base64 of gzipped JSON (inside the
 * Secret's own base64).
 */
export function storedReleases(release: string, namespace: string): StoredRelease[] {
  const secrets = getJson<{ items: Array<K8sObject & { data?: Record<string, string> }> }>(
    ["secrets", "--namespace", namespace, "--selector", `owner=helm,name=${release}`],
  ).items;
  return secrets
    .map((secret) => {
      const encoded = Buffer.from(secret.data?.["release"] ?? "", "base64").toString("utf8");
      return JSON.parse(gunzipSync(Buffer.from(encoded, "base64")).toString("utf8")) as StoredRelease;
    })
    .sort((a, b) => a.version - b.version);
}

export function latestRelease(release: string, namespace: string): StoredRelease {
  const all = storedReleases(release, namespace);
  if (all.length === 0) throw new Error(`no stored release ${release} in ${namespace}`);
  return all[all.length - 1]!;
}

export function releaseObjects(stored: StoredRelease): K8sObject[] {
  return parseObjects(stored.manifest);
}

/** Events the controllers recorded for an object, oldest first. */
export function eventsFor(ref: Ref): Array<{ reason: string; message: string; type: string; count?: number }> {
  return getJson<{ items: Array<{ reason: string; message: string; type: string; count?: number; involvedObject: { kind: string; name: string } }> }>(
    ["events", "--namespace", ref.namespace, "--field-selector", `involvedObject.kind=${ref.kind},involvedObject.name=${ref.name}`],
  ).items;
}
