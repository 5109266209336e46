// The parts of a rendered release the live harness runs: for each workload (found by its
// app.kubernetes.io/name label) its pod spec, replica count and the Services that select it,
// plus the content of every ConfigMap and Secret a pod mounts. Read from `helm template`
// output only; nothing here knows a profile.
import type { K8sObject } from "../helpers/render.js";

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: "TCP" | "UDP";
}

export interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: Array<{ name: string; value?: string }>;
  ports?: ContainerPort[];
  volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string; readOnly?: boolean }>;
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
  securityContext?: { runAsUser?: number; runAsGroup?: number; readOnlyRootFilesystem?: boolean };
}

/** A Secret or ConfigMap volume's key -> file mapping (without it, every key is a file). */
export interface KeyToPath {
  key: string;
  path: string;
}

/** The pod-level securityContext fields the live harness honours. */
export interface PodSecurity {
  runAsUser?: number;
  runAsGroup?: number;
  fsGroup?: number;
  runAsNonRoot?: boolean;
}

export interface Volume {
  name: string;
  configMap?: { name: string; optional?: boolean; items?: KeyToPath[] };
  secret?: { secretName: string; optional?: boolean; items?: KeyToPath[] };
  hostPath?: { path: string };
  emptyDir?: object;
  persistentVolumeClaim?: { claimName: string };
}

export interface Workload {
  /** app.kubernetes.io/name of the pods, e.g. "alertmanager". */
  app: string;
  kind: "StatefulSet" | "Deployment" | "DaemonSet";
  name: string;
  replicas: number;
  podLabels: Record<string, string>;
  podAnnotations: Record<string, string>;
  container: Container;
  volumes: Volume[];
  podSecurity: PodSecurity;
  /** Volume claim templates of a StatefulSet: one directory per replica. */
  claimTemplates: string[];
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: "TCP" | "UDP";
}

export interface Service {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  headless: boolean;
  selector: Record<string, string>;
  ports: ServicePort[];
}

export interface Release {
  release: string;
  namespace: string;
  workloads: Map<string, Workload>;
  services: Service[];
  /** ConfigMap and Secret data by object name (Secret data decoded). */
  configMaps: Map<string, Record<string, string>>;
  secrets: Map<string, Record<string, string>>;
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[]; volumes?: Volume[]; securityContext?: PodSecurity };
}

interface WorkloadSpec {
  replicas?: number;
  template: PodTemplate;
  volumeClaimTemplates?: Array<{ metadata: { name: string } }>;
}

export function readRelease(objects: K8sObject[], release: string, namespace: string): Release {
  const workloads = new Map<string, Workload>();
  const services: Service[] = [];
  const configMaps = new Map<string, Record<string, string>>();
  const secrets = new Map<string, Record<string, string>>();
  for (const object of objects) {
    const { kind } = object;
    if (kind === "StatefulSet" || kind === "Deployment" || kind === "DaemonSet") {
      const spec = object["spec"] as WorkloadSpec;
      const podLabels = spec.template.metadata?.labels ?? {};
      const app = podLabels["app.kubernetes.io/name"];
      const container = spec.template.spec.containers[0];
      if (!app || !container) throw new Error(`${kind}/${object.metadata.name}: no app.kubernetes.io/name label or no container`);
      workloads.set(app, {
        app,
        kind,
        name: object.metadata.name,
        // A DaemonSet runs one pod on the one node of this host.
        replicas: kind === "DaemonSet" ? 1 : spec.replicas ?? 1,
        podLabels,
        podAnnotations: spec.template.metadata?.annotations ?? {},
        container,
        volumes: spec.template.spec.volumes ?? [],
        podSecurity: spec.template.spec.securityContext ?? {},
        claimTemplates: (spec.volumeClaimTemplates ?? []).map((t) => t.metadata.name),
      });
    } else if (kind === "Service") {
      const spec = object["spec"] as { selector?: Record<string, string>; ports?: ServicePort[]; clusterIP?: string };
      services.push({
        name: object.metadata.name,
        namespace: object.metadata.namespace ?? namespace,
        labels: object.metadata.labels ?? {},
        annotations: (object.metadata as { annotations?: Record<string, string> }).annotations ?? {},
        headless: spec.clusterIP === "None",
        selector: spec.selector ?? {},
        ports: spec.ports ?? [],
      });
    } else if (kind === "ConfigMap") {
      configMaps.set(object.metadata.name, (object["data"] as Record<string, string> | undefined) ?? {});
    } else if (kind === "Secret") {
      const data = Object.entries((object["data"] as Record<string, string> | undefined) ?? {}).map(
        ([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")] as const,
      );
      const stringData = Object.entries((object["stringData"] as Record<string, string> | undefined) ?? {});
      secrets.set(object.metadata.name, Object.fromEntries([...data, ...stringData]));
    }
  }
  return { release, namespace, workloads, services, configMaps, secrets };
}

export function workload(release: Release, app: string): Workload {
  const found = release.workloads.get(app);
  if (!found) throw new Error(`the rendered release has no workload app.kubernetes.io/name=${app} (has: ${[...release.workloads.keys()].join(", ")})`);
  return found;
}

/** Pod name of replica `index`, as Kubernetes would name it (StatefulSet ordinals; a fixed suffix otherwise). */
export function podName(w: Workload, index: number): string {
  return w.kind === "StatefulSet" ? `${w.name}-${index}` : `${w.name}-live${index}`;
}

/** The workload whose pods a Service selects, if the harness runs it. */
export function selectedWorkload(release: Release, service: Service): Workload | undefined {
  const entries = Object.entries(service.selector);
  if (entries.length === 0) return undefined;
  return [...release.workloads.values()].find((w) => entries.every(([k, v]) => w.podLabels[k] === v));
}

/** The container port a Service port forwards to (by name or number). */
export function targetContainerPort(w: Workload, port: ServicePort): ContainerPort | undefined {
  const target = port.targetPort ?? port.port;
  return (w.container.ports ?? []).find((p) => (typeof target === "number" ? p.containerPort === target : p.name === target));
}
