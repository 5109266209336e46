// Renders the chart with helm and gives the objects back as data.
import { parseAllDocuments } from "yaml";
import { chartDir, run, tools } from "./tools.js";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export const RELEASE = "mon";
export const NAMESPACE = "monitoring";

export function helmTemplate(valuesFiles: string[], extraArgs: string[] = [], release = RELEASE): string {
  const args = ["template", release, chartDir, "--namespace", NAMESPACE, ...valuesFiles.flatMap((f) => ["-f", f]), ...extraArgs];
  const result = run(tools.helm, args);
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return result.stdout;
}

export function parseObjects(manifest: string): K8sObject[] {
  return parseAllDocuments(manifest)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((obj): obj is K8sObject => obj !== null);
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
  return found;
}

/** The data entry of a rendered ConfigMap, e.g. prometheus.yml. */
export function configMapData(objects: K8sObject[], name: string, key: string): string {
  const data = (find(objects, "ConfigMap", name) as { data?: Record<string, string> }).data ?? {};
  const value = data[key];
  if (value === undefined) throw new Error(`ConfigMap ${name} has no key ${key}`);
  return value;
}
