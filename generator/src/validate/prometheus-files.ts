// What the Prometheus container can read (and write) as the chart mounts it
// (charts/prometheus/templates/statefulset.yaml; a render test holds the two equal), and the
// check that every file a raw scrape job names is one of them: Prometheus fails to load a
// config whose credential or TLS file is missing, and promtool check config refuses it.
import { posix } from "node:path";
import type { OAuth2, PrometheusValues, Sigv4 } from "../types/values.js";
import type { Findings, Segments } from "./findings.js";

export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
export const SECRETS_DIR = "/etc/prometheus/secrets";
export const CONFIGMAPS_DIR = "/etc/prometheus/configmaps";
export const CONFIG_DIR = "/etc/prometheus/config";
export const DATA_DIR = "/prometheus";

export interface Mount {
  path: string;
  /** The files it holds, or undefined when any name may exist (a Secret's or ConfigMap's keys). */
  files?: string[];
  writable: boolean;
  what: string;
  /** Subdirectories its projected keys create (a Secret's items[].path a/b), relative to path. */
  subdirectories?: string[];
}

/** The Prometheus container's mounts for these values (standalone mode). */
export function prometheusMounts(prometheus: PrometheusValues): Mount[] {
  const secrets = new Set<string>(prometheus.secretMounts ?? []);
  for (const owner of [...(prometheus.scrapeJobs ?? []), ...(prometheus.remoteWrite ?? []), ...(prometheus.remoteRead ?? []), ...(prometheus.additionalAlertmanagers ?? [])]) {
    const { oauth2, sigv4 } = owner as { oauth2?: OAuth2; sigv4?: Sigv4 };
    for (const ref of [owner.tls?.caSecret, owner.tls?.certSecret, owner.tls?.keySecret, owner.basicAuth?.usernameSecret, owner.basicAuth?.passwordSecret, owner.bearerTokenSecret, oauth2?.clientSecretSecret, sigv4?.credentialsSecret]) {
      if (ref) secrets.add(ref.name);
    }
  }
  return [
    { path: CONFIG_DIR, files: ["prometheus.yml"], writable: false, what: "the chart's configuration" },
    { path: "/etc/prometheus/rules", writable: false, what: "the chart's rule files" },
    { path: "/etc/prometheus/scrape", files: ["promstack.yaml"], writable: false, what: "the stack's scrape jobs" },
    { path: DATA_DIR, writable: true, what: "the TSDB volume" },
    { path: SERVICE_ACCOUNT_DIR, files: ["ca.crt", "namespace", "token"], writable: false, what: "the service account token" },
    ...[...secrets].sort().map((name) => ({ path: `${SECRETS_DIR}/${name}`, writable: false, what: `Secret ${name}` })),
    ...[...new Set(prometheus.configMapMounts ?? [])].sort().map((name) => ({ path: `${CONFIGMAPS_DIR}/${name}`, writable: false, what: `ConfigMap ${name}` })),
    ...extraMounts(prometheus),
  ];
}

/** The extraVolumeMounts of the Prometheus container, with the directories their items create. */
function extraMounts(prometheus: PrometheusValues): Mount[] {
  const out: Mount[] = [];
  for (const mount of prometheus.extraVolumeMounts ?? []) {
    const volume = (prometheus.extraVolumes ?? []).find((v) => v.name === mount.name);
    if (!volume) continue; // validate reports it
    const path = mount.mountPath.length > 1 ? mount.mountPath.replace(/\/+$/, "") : mount.mountPath;
    const source = volume.secret ? `Secret ${volume.secret.secretName}` : volume.configMap ? `ConfigMap ${volume.configMap.name}` : volume.emptyDir ? "an emptyDir" : volume.persistentVolumeClaim ? `PersistentVolumeClaim ${volume.persistentVolumeClaim.claimName}` : `CSI volume (${volume.csi?.driver})`;
    const readOnlySource = Boolean(volume.secret || volume.configMap || volume.persistentVolumeClaim?.readOnly || volume.csi?.readOnly);
    const writable = !mount.readOnly && !readOnlySource;
    const what = `extraVolumes ${volume.name} (${source})`;
    // Keys projected into subdirectories (items[].path a/b) make directories of their own.
    const items = mount.subPath ? [] : (volume.secret?.items ?? volume.configMap?.items ?? []);
    const subdirectories = new Set<string>();
    for (const item of items) for (let d = posix.dirname(posix.normalize(item.path)); d !== "."; d = posix.dirname(d)) subdirectories.add(d);
    out.push({ path, writable, what, ...(subdirectories.size ? { subdirectories: [...subdirectories].sort() } : {}) });
  }
  return out;
}

const HINT = `mount it with prometheus.secretMounts (${SECRETS_DIR}/<secret>/<key>), prometheus.configMapMounts (${CONFIGMAPS_DIR}/<configmap>/<key>) or prometheus.extraVolumes and extraVolumeMounts`;

/** Why Prometheus cannot read (or, for a log, write) this path, or undefined when it can. */
export function unreadable(path: string, mounts: Mount[], options: { glob?: boolean; write?: boolean } = {}): string | undefined {
  // Prometheus resolves a relative path against the config file's directory.
  const absolute = posix.isAbsolute(path) ? posix.normalize(path) : posix.join(CONFIG_DIR, path);
  const directory = posix.dirname(absolute);
  const base = posix.basename(absolute);
  const shown = absolute !== path ? `${path} (read as ${absolute})` : path;
  if (options.glob && /[*?[]/.test(directory)) return `${path}: a glob in a directory name cannot be checked against the pod's mounts; name the mounted directory`;
  if (options.write) {
    const writable = mounts.find((m) => m.writable && (absolute === m.path || absolute.startsWith(`${m.path}/`)));
    const writables = mounts.filter((m) => m.writable).map((m) => `${m.path}/`);
    return writable && absolute !== writable.path ? undefined : `${shown} is not in a writable mount of the Prometheus pod (${writables.length === 1 ? "the only one is" : "they are"} ${writables.join(", ")})`;
  }
  const mount = mounts.find((m) => !m.writable && (directory === m.path || (m.subdirectories ?? []).some((d) => directory === posix.join(m.path, d))));
  if (!mount) {
    for (const [dir, kind, key] of [[SECRETS_DIR, "Secret", "secretMounts"], [CONFIGMAPS_DIR, "ConfigMap", "configMapMounts"]] as const) {
      if (posix.dirname(directory) === dir) return `${shown}: ${kind} ${posix.basename(directory)} is not mounted; add it to prometheus.${key}`;
    }
    const near = mounts.find((m) => absolute.startsWith(`${m.path}/`));
    const where = !near ? "nothing the Prometheus pod mounts" : near.writable ? `${near.path} (${near.what}), which holds no files of yours` : `a subdirectory of ${near.path} (${near.what}), which has none`;
    return `${shown} is in ${where}; ${HINT}`;
  }
  if (mount.files && !options.glob && !mount.files.includes(base)) return `${shown}: ${mount.path} (${mount.what}) holds only ${mount.files.join(", ")}`;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Every file a raw scrape_config names: [path segments below the job, file, how it is used]. */
export function filesOfScrapeConfig(job: unknown): Array<{ at: Segments; path: string; glob?: boolean; write?: boolean }> {
  const out: Array<{ at: Segments; path: string; glob?: boolean; write?: boolean }> = [];
  const walk = (node: unknown, at: Segments, parentKey?: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => walk(item, [...at, index], parentKey));
      return;
    }
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (/_file$/.test(key) && typeof value === "string" && value !== "") out.push({ at: [...at, key], path: value, write: key === "scrape_failure_log_file" });
      else if (key === "files" && Array.isArray(value) && (parentKey === "file_sd_configs" || at.includes("http_headers"))) {
        value.forEach((file, index) => typeof file === "string" && out.push({ at: [...at, key, index], path: file, glob: parentKey === "file_sd_configs" }));
      } else walk(value, [...at, key], key);
    }
  };
  walk(job, []);
  return out;
}

/** Errors for files of prometheus.extraScrapeConfigs that the pod does not mount. */
export function checkScrapeConfigFiles(prometheus: PrometheusValues, findings: Findings): void {
  const mounts = prometheusMounts(prometheus);
  for (const [index, job] of (prometheus.extraScrapeConfigs ?? []).entries()) {
    for (const file of filesOfScrapeConfig(job)) {
      const problem = unreadable(file.path, mounts, file);
      if (problem) findings.add("error", ["prometheus", "extraScrapeConfigs", index, ...file.at], problem);
    }
  }
}
