// Renders the chart with helm and gives the objects back as data.
import { parseObjects, type K8sObject } from "../../generator/src/render/extract.js";
import { chartDir, run, tools } from "./tools.js";

// One reading of a render for the CLI and the tests.
export { parseObjects, type K8sObject };

export const RELEASE = "mon";
export const NAMESPACE = "monitoring";

export function helmTemplate(valuesFiles: string[], extraArgs: string[] = [], release = RELEASE): string {
  const args = ["template", release, chartDir, "--namespace", NAMESPACE, ...valuesFiles.flatMap((f) => ["-f", f]), ...extraArgs];
  const result = run(tools.helm, args);
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return result.stdout;
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
