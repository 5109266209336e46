// The pieces of a rendered chart that Prometheus' and Alertmanager's tools judge:
// prometheus.yml, the rule groups and alertmanager.yml, each with the files its workload
// mounts. Shared by `promstack validate` and the test layers, so both read a render alike.
import { parse, parseAllDocuments, type DocumentOptions, type ParseOptions, type SchemaOptions } from "yaml";

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export interface RenderedRuleGroup {
  name: string;
  interval?: string;
  rules: Array<{ alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** A rule file as Prometheus loads it: the ConfigMap key (or PrometheusRule name) and its groups. */
export interface RenderedRuleFile {
  name: string;
  groups: RenderedRuleGroup[];
  /** The file as rendered (a ConfigMap key); PrometheusRule groups have none, the operator writes them. */
  text?: string;
}

/** What a container sees under one mount: the files of a ConfigMap, or a Secret (keys unknown here). */
export type Mount = { path: string; kind: "configMap"; files: Map<string, string> } | { path: string; kind: "secret" | "other" };

export interface MountedConfig {
  /** Absolute path of the config file inside the container, e.g. /etc/prometheus/config/prometheus.yml. */
  path: string;
  text: string;
  mounts: Mount[];
}

export interface RenderedConfigs {
  objects: K8sObject[];
  /** prometheus.yml as the deployed Prometheus reads it; undefined in operator mode (no Prometheus deployed). */
  prometheus?: MountedConfig;
  rules: RenderedRuleFile[];
  alertmanager?: MountedConfig;
}

/**
 * YAML as kubectl, Helm and the API server read a manifest (sigs.k8s.io/yaml, go-yaml v2): the
 * 1.1 scalars (`defaultMode: 0440` is octal 288; yes, on and y are booleans), but no 1.1
 * sexagesimal numbers (`1:20`) or timestamps, which go-yaml keeps as strings.
 */
export const kubernetesYaml: ParseOptions & DocumentOptions & SchemaOptions = {
  version: "1.1",
  customTags: (tags) => tags.filter((tag) => typeof tag === "string" || (tag.format !== "TIME" && tag.tag !== "tag:yaml.org,2002:timestamp")),
};

/** The objects of a rendered manifest, read as the API server reads them. */
export function parseObjects(manifest: string): K8sObject[] {
  return parseAllDocuments(manifest, kubernetesYaml)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((obj): obj is K8sObject => obj !== null && typeof obj === "object");
}

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

type Data = { data?: Record<string, string>; binaryData?: Record<string, string> };

function configMaps(objects: K8sObject[]): Array<K8sObject & Data> {
  return objects.filter((o) => o.kind === "ConfigMap") as Array<K8sObject & Data>;
}

/** The rule files of a render: the keys of the rules ConfigMap, or the PrometheusRule objects in operator mode. */
export function ruleFilesOf(objects: K8sObject[], release: string): RenderedRuleFile[] {
  const configMap = configMaps(objects).find((o) => o.metadata.name === `${release}-prometheus-rules`);
  const fromConfigMap = Object.entries(configMap?.data ?? {}).map(([name, text]) => ({ name, text, groups: ((parse(text) as { groups?: RenderedRuleGroup[] } | null)?.groups ?? []) }));
  const fromOperator = objects
    .filter((o) => o.kind === "PrometheusRule")
    .map((o) => ({ name: `${o.metadata.name}.yaml`, groups: ((o as { spec?: { groups?: RenderedRuleGroup[] } }).spec?.groups ?? []) }));
  return [...fromConfigMap, ...fromOperator];
}

export function ruleGroupsOf(objects: K8sObject[], release: string): RenderedRuleGroup[] {
  return ruleFilesOf(objects, release).flatMap((file) => file.groups);
}

interface PodSpec {
  automountServiceAccountToken?: boolean;
  containers?: Array<{ name: string; args?: string[]; volumeMounts?: Array<{ name: string; mountPath: string; subPath?: string }> }>;
  volumes?: Array<{ name: string; configMap?: { name: string; items?: Array<{ key: string; path: string }> }; secret?: { secretName: string }; csi?: { driver: string } }>;
}

function podSpec(object: K8sObject): PodSpec | undefined {
  return (object as { spec?: { template?: { spec?: PodSpec } } }).spec?.template?.spec;
}

/**
 * The config file a workload reads (from its --config.file flag) and the files each of its
 * mounts holds, for the first workload whose container takes that flag and mounts the file.
 */
function mountedConfig(objects: K8sObject[], appName: string): MountedConfig | undefined {
  const byName = new Map(configMaps(objects).map((o) => [o.metadata.name, o]));
  for (const workload of objects.filter((o) => ["StatefulSet", "Deployment"].includes(o.kind) && o.metadata.labels?.["app.kubernetes.io/name"] === appName)) {
    const spec = podSpec(workload);
    for (const container of spec?.containers ?? []) {
      const flag = (container.args ?? []).find((arg) => arg.startsWith("--config.file="));
      if (!flag) continue;
      const path = flag.slice("--config.file=".length);
      const mounts: Mount[] = (container.volumeMounts ?? []).map((mount) => {
        const volume = spec?.volumes?.find((v) => v.name === mount.name);
        // A ConfigMap the release does not render is the user's: any key may exist, as in a Secret.
        if (volume?.configMap && byName.has(volume.configMap.name)) {
          const data = byName.get(volume.configMap.name)?.data ?? {};
          const files = new Map<string, string>();
          const items = volume.configMap.items ?? Object.keys(data).map((key) => ({ key, path: key }));
          for (const item of items) if (data[item.key] !== undefined) files.set(item.path, data[item.key]!);
          return { path: mount.mountPath, kind: "configMap", files };
        }
        return { path: mount.mountPath, kind: volume?.secret || volume?.configMap || volume?.csi ? "secret" : "other" };
      });
      // Kubernetes mounts the service account token unless the pod opts out.
      if (spec?.automountServiceAccountToken !== false) mounts.push({ path: SERVICE_ACCOUNT_DIR, kind: "secret" });
      const text = fileIn(mounts, path);
      if (text !== undefined) return { path, text, mounts };
    }
  }
  return undefined;
}

/** The content of a ConfigMap-mounted file at an absolute path, if a mount provides it. */
export function fileIn(mounts: Mount[], path: string): string | undefined {
  for (const mount of mounts) {
    if (mount.kind !== "configMap" || !path.startsWith(`${mount.path}/`)) continue;
    const content = mount.files.get(path.slice(mount.path.length + 1));
    if (content !== undefined) return content;
  }
  return undefined;
}

/** The alertmanager.yml text of a render: the mounted ConfigMap, or a Secret holding it. */
function alertmanagerFromSecret(objects: K8sObject[]): string | undefined {
  for (const secret of objects.filter((o) => o.kind === "Secret") as Array<K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> }>) {
    if (secret.stringData?.["alertmanager.yml"]) return secret.stringData["alertmanager.yml"];
    if (secret.data?.["alertmanager.yml"]) return Buffer.from(secret.data["alertmanager.yml"], "base64").toString("utf8");
  }
  return undefined;
}

export function extractConfigs(manifest: string, release: string): RenderedConfigs {
  const objects = parseObjects(manifest);
  const alertmanager = mountedConfig(objects, "alertmanager");
  const fromSecret = alertmanager ? undefined : alertmanagerFromSecret(objects);
  return {
    objects,
    prometheus: mountedConfig(objects, "prometheus"),
    rules: ruleFilesOf(objects, release),
    alertmanager: alertmanager ?? (fromSecret === undefined ? undefined : { path: "/etc/alertmanager/config/alertmanager.yml", text: fromSecret, mounts: [] }),
  };
}
