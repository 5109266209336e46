// The values files every render test judges: each profile, and the fixtures that switch on
// every template (standalone and operator mode).
import { basename, join } from "node:path";
import { helmTemplate, parseObjects, type K8sObject } from "../helpers/render.js";
import { profileFiles, repoRoot } from "../helpers/tools.js";

export const fixture = (name: string) => join(repoRoot, "test", "fixtures", name);

export const renderCases = [...profileFiles(), fixture("all-enabled.yaml"), fixture("operator-all.yaml"), fixture("operator-deploy.yaml")];

const cache = new Map<string, K8sObject[]>();

/** The objects helm renders for one values file (rendered once per test run). */
export function rendered(file: string): K8sObject[] {
  if (!cache.has(file)) cache.set(file, parseObjects(helmTemplate([file])));
  return cache.get(file)!;
}

export const caseName = (file: string) => basename(file);

export interface PodTemplate {
  owner: string;
  kind: string;
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, any>;
}

/** The pod template of every workload. */
export function podTemplates(objects: K8sObject[]): PodTemplate[] {
  return objects
    .filter((o) => ["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind))
    .map((o) => ({ owner: `${o.kind}/${o.metadata.name}`, kind: o.kind, metadata: (o as any).spec.template.metadata ?? {}, spec: (o as any).spec.template.spec }));
}

/** Does a label selector's matchLabels select these labels? */
export function selects(matchLabels: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(matchLabels).every(([key, value]) => labels?.[key] === value);
}
