// What a rendered profile deploys, read from the objects helm renders: workloads with their
// replicas, containers, requests and limits and volumes; Services with their ports; Ingresses
// with their hosts; and a count of every other kind.
import type { K8sObject } from "../render/extract.js";

type Quantities = Record<string, string | number>;

interface Container {
  name: string;
  image?: string;
  ports?: Array<{ name?: string; containerPort: number; protocol?: string }>;
  resources?: { requests?: Quantities; limits?: Quantities };
}

interface Volume {
  name: string;
  configMap?: { name: string };
  secret?: { secretName: string };
  emptyDir?: { medium?: string; sizeLimit?: string };
  persistentVolumeClaim?: { claimName: string };
  hostPath?: { path: string };
  projected?: unknown;
}

interface ClaimTemplate {
  metadata: { name: string };
  spec?: { storageClassName?: string; accessModes?: string[]; resources?: { requests?: { storage?: string } } };
}

interface WorkloadSpec {
  replicas?: number;
  volumeClaimTemplates?: ClaimTemplate[];
  template?: { spec?: { nodeSelector?: Record<string, string>; containers?: Container[]; initContainers?: Container[]; volumes?: Volume[] } };
}

export interface WorkloadSummary {
  kind: string;
  name: string;
  /** "3", or "one per node" for a DaemonSet. */
  replicas: string;
  containers: Array<{ name: string; image: string; requests: string; limits: string; ports: string }>;
  volumes: string[];
}

export interface ServiceSummary {
  name: string;
  type: string;
  ports: string[];
}

export interface IngressSummary {
  name: string;
  className: string;
  routes: string[];
  tlsHosts: string[];
}

export interface DeploymentSummary {
  workloads: WorkloadSummary[];
  services: ServiceSummary[];
  ingresses: IngressSummary[];
  /** Every rendered kind with how many objects of it, helm test pods included. */
  kinds: Array<{ kind: string; count: number }>;
}

const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet"];

function quantities(values: Quantities | undefined): string {
  if (!values || Object.keys(values).length === 0) return "none";
  return Object.entries(values).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v}`).join(", ");
}

function volumeText(volume: Volume, claims: ClaimTemplate[]): string {
  if (volume.configMap) return `${volume.name}: ConfigMap ${volume.configMap.name}`;
  if (volume.secret) return `${volume.name}: Secret ${volume.secret.secretName}`;
  if (volume.persistentVolumeClaim) return `${volume.name}: PersistentVolumeClaim ${volume.persistentVolumeClaim.claimName}`;
  if (volume.hostPath) return `${volume.name}: host path ${volume.hostPath.path}`;
  if (volume.emptyDir) return `${volume.name}: emptyDir${volume.emptyDir.medium ? ` (${volume.emptyDir.medium})` : ""}${volume.emptyDir.sizeLimit ? ` up to ${volume.emptyDir.sizeLimit}` : ""}`;
  if (volume.projected) return `${volume.name}: projected`;
  const claim = claims.find((c) => c.metadata.name === volume.name);
  return claim ? claimText(claim) : `${volume.name}: other`;
}

function claimText(claim: ClaimTemplate): string {
  const spec = claim.spec ?? {};
  const size = spec.resources?.requests?.storage ?? "unsized";
  return `${claim.metadata.name}: volume claim per replica, ${size}${spec.storageClassName ? `, class ${spec.storageClassName}` : ", default class"}${spec.accessModes ? `, ${spec.accessModes.join("/")}` : ""}`;
}

function workload(object: K8sObject): WorkloadSummary {
  const spec = (object as { spec?: WorkloadSpec }).spec ?? {};
  const pod = spec.template?.spec ?? {};
  const claims = spec.volumeClaimTemplates ?? [];
  const containers = [...(pod.initContainers ?? []).map((c) => ({ ...c, name: `${c.name} (init)` })), ...(pod.containers ?? [])];
  const replicas = object.kind === "DaemonSet" ? `one per node${pod.nodeSelector ? ` (${Object.entries(pod.nodeSelector).map(([k, v]) => `${k}=${v}`).join(", ")})` : ""}` : String(spec.replicas ?? 1);
  const mounted = new Set((pod.volumes ?? []).map((v) => v.name));
  return {
    kind: object.kind,
    name: object.metadata.name,
    replicas,
    containers: containers.map((c) => ({
      name: c.name,
      image: c.image ?? "?",
      requests: quantities(c.resources?.requests),
      limits: quantities(c.resources?.limits),
      ports: (c.ports ?? []).map((p) => `${p.containerPort}${p.protocol && p.protocol !== "TCP" ? `/${p.protocol}` : ""}${p.name ? ` (${p.name})` : ""}`).join(", "),
    })),
    volumes: [...(pod.volumes ?? []).map((v) => volumeText(v, claims)), ...claims.filter((c) => !mounted.has(c.metadata.name)).map(claimText)],
  };
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  ports?: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string; nodePort?: number }>;
}

function service(object: K8sObject): ServiceSummary {
  const spec = (object as { spec?: ServiceSpec }).spec ?? {};
  const type = spec.clusterIP === "None" ? "headless" : (spec.type ?? "ClusterIP");
  const ports = (spec.ports ?? []).map((p) =>
    `${p.name ? `${p.name} ` : ""}${p.port}${p.protocol && p.protocol !== "TCP" ? `/${p.protocol}` : ""}${p.targetPort !== undefined && String(p.targetPort) !== String(p.port) ? ` → ${p.targetPort}` : ""}${p.nodePort ? ` (node port ${p.nodePort})` : ""}`);
  return { name: object.metadata.name, type, ports };
}

interface IngressSpec {
  ingressClassName?: string;
  rules?: Array<{ host?: string; http?: { paths?: Array<{ path?: string; backend?: { service?: { name: string; port?: { number?: number; name?: string } } } }> } }>;
  tls?: Array<{ hosts?: string[] }>;
}

function ingress(object: K8sObject): IngressSummary {
  const spec = (object as { spec?: IngressSpec }).spec ?? {};
  const routes = (spec.rules ?? []).flatMap((rule) =>
    (rule.http?.paths ?? []).map((p) => {
      const backend = p.backend?.service;
      return `${rule.host ?? "*"}${p.path ?? "/"} → ${backend ? `${backend.name}:${backend.port?.number ?? backend.port?.name ?? "?"}` : "?"}`;
    }));
  return { name: object.metadata.name, className: spec.ingressClassName ?? "default", routes, tlsHosts: (spec.tls ?? []).flatMap((t) => t.hosts ?? []) };
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

export function summariseDeployment(objects: K8sObject[]): DeploymentSummary {
  const counts = new Map<string, number>();
  for (const object of objects) counts.set(object.kind, (counts.get(object.kind) ?? 0) + 1);
  return {
    workloads: objects.filter((o) => WORKLOAD_KINDS.includes(o.kind)).map(workload).sort((a, b) => byName(a, b) || a.kind.localeCompare(b.kind)),
    services: objects.filter((o) => o.kind === "Service").map(service).sort(byName),
    ingresses: objects.filter((o) => o.kind === "Ingress").map(ingress).sort(byName),
    kinds: [...counts].map(([kind, count]) => ({ kind, count })).sort((a, b) => a.kind.localeCompare(b.kind)),
  };
}
