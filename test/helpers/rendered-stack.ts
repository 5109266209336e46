// A profile rendered by helm, with the pieces the fidelity tests read: rule groups,
// prometheus.yml, alertmanager.yml, workloads, dashboards and Kubernetes quantities.
import { parse } from "yaml";
import { byteSizeBytes } from "../../generator/src/byte-size.js";
import { ruleGroupsOf as sharedRuleGroupsOf } from "../../generator/src/render/extract.js";
import { find, helmTemplate, parseObjects, RELEASE, type K8sObject } from "./render.js";

export interface RenderedRule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RenderedGroup {
  name: string;
  interval?: string;
  rules: RenderedRule[];
}

export type PodSpec = Record<string, any>;
export type Container = Record<string, any>;

export interface Workload {
  object: K8sObject;
  kind: string;
  name: string;
  replicas: number;
  spec: PodSpec;
}

/** The rule groups of a rendered chart: from the rules ConfigMap, or the PrometheusRules in operator mode. */
export function ruleGroupsOf(objects: K8sObject[]): RenderedGroup[] {
  return sharedRuleGroupsOf(objects, RELEASE) as RenderedGroup[];
}

export class RenderedStack {
  readonly objects: K8sObject[];
  readonly ruleGroups: RenderedGroup[];

  constructor(valuesFiles: string | string[]) {
    this.objects = parseObjects(helmTemplate(Array.isArray(valuesFiles) ? valuesFiles : [valuesFiles]));
    this.ruleGroups = ruleGroupsOf(this.objects);
  }

  get alerts(): Array<RenderedRule & { group: string }> {
    return this.ruleGroups.flatMap((g) => g.rules.filter((r) => r.alert).map((r) => ({ ...r, group: g.name })));
  }

  /** The text of alertmanager.yml: the chart's ConfigMap, or a Secret holding it. */
  get alertmanagerText(): string {
    const configMap = this.objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === `${RELEASE}-alertmanager`) as { data?: Record<string, string> } | undefined;
    const text = configMap?.data?.["alertmanager.yml"];
    if (text !== undefined) return text;
    for (const secret of this.objects.filter((o) => o.kind === "Secret") as Array<{ data?: Record<string, string>; stringData?: Record<string, string> }>) {
      if (secret.stringData?.["alertmanager.yml"]) return secret.stringData["alertmanager.yml"];
      if (secret.data?.["alertmanager.yml"]) return Buffer.from(secret.data["alertmanager.yml"], "base64").toString("utf8");
    }
    throw new Error(`the chart renders no alertmanager.yml (no ConfigMap ${RELEASE}-alertmanager, no Secret with that key)`);
  }

  get alertmanagerConfig(): Record<string, any> {
    return parse(this.alertmanagerText) as Record<string, any>;
  }

  /** prometheus.yml of the deployed Prometheus, or undefined when the chart deploys none (operator mode). */
  get prometheusConfig(): Record<string, any> | undefined {
    const configMap = this.objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === `${RELEASE}-prometheus`) as { data?: Record<string, string> } | undefined;
    const text = configMap?.data?.["prometheus.yml"];
    return text === undefined ? undefined : (parse(text) as Record<string, any>);
  }

  get externalLabels(): Record<string, string> {
    return (this.prometheusConfig?.global?.external_labels ?? {}) as Record<string, string>;
  }

  get workloads(): Workload[] {
    return this.objects
      .filter((o) => ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind))
      .map((o) => {
        const spec = (o as any).spec;
        return { object: o, kind: o.kind, name: o.metadata.name, replicas: o.kind === "DaemonSet" ? 1 : (spec.replicas ?? 1), spec: spec.template.spec };
      });
  }

  /** The workload of a component (prometheus, alertmanager, grafana, ...), named <release>-<component>. */
  workload(component: string): Workload {
    const found = this.workloads.find((w) => w.name === `${RELEASE}-${component}`);
    if (!found) throw new Error(`no workload ${RELEASE}-${component} among ${this.workloads.map((w) => `${w.kind}/${w.name}`).join(", ")}`);
    return found;
  }

  hasWorkload(component: string): boolean {
    return this.workloads.some((w) => w.name === `${RELEASE}-${component}`);
  }

  find(kind: string, name: string): K8sObject {
    return find(this.objects, kind, name);
  }

  /** Every dashboard JSON the chart ships in ConfigMaps labelled for Grafana's sidecar or provisioning. */
  get dashboards(): Array<Record<string, any>> {
    return (this.objects.filter((o) => o.kind === "ConfigMap") as Array<K8sObject & { data?: Record<string, string> }>)
      .flatMap((o) => Object.entries(o.data ?? {}).filter(([key]) => key.endsWith(".json")).map(([, text]) => text))
      .map((text) => JSON.parse(text) as Record<string, any>)
      .filter((json) => typeof json.title === "string" && Array.isArray(json.panels));
  }
}

export function mainContainer(workload: Workload): Container {
  const container = (workload.spec.containers as Container[])[0];
  if (!container) throw new Error(`${workload.kind}/${workload.name} has no container`);
  return container;
}

/** The value of a --flag=value argument of a container, if it has one. */
export function argValue(container: Container, flag: string): string | undefined {
  const prefix = `--${flag}=`;
  return ((container.args ?? []) as string[]).find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

const QUANTITY_SUFFIX: Record<string, number> = {
  "": 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A Kubernetes quantity ("2Gi", "500m", "2") as a number in base units. */
export function quantity(value: string | number): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(String(value));
  if (!match) throw new Error(`not a Kubernetes quantity: ${String(value)}`);
  return Number(match[1]) * QUANTITY_SUFFIX[match[2] ?? ""]!;
}

/** A Prometheus byte size ("50GB", "50GiB", units of 1024 as Prometheus reads them) in bytes. */
export function byteSize(value: string): number {
  const bytes = byteSizeBytes(value);
  if (bytes === undefined) throw new Error(`not a Prometheus byte size: ${value}`);
  return bytes;
}
