// Files a raw scrape config names (credentials, TLS files, header files, file_sd target files)
// brought into the Prometheus pod. A file the pod could not read where the chart runs it is
// carried by a mount of the contract: a credential or TLS file becomes a key of the import's
// Secret (prometheus.secretMounts), file_sd target files become keys of a ConfigMap
// (prometheus.configMapMounts; they are no secret), and the path is rewritten to where the
// chart mounts it. validate's own list of a job's files and of the pod's mounts decides both,
// so the import and the check cannot disagree.
import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { PrometheusValues } from "../types/values.js";
import { CONFIGMAPS_DIR, filesOfScrapeConfig, prometheusMounts, SECRETS_DIR, unreadable } from "../validate/prometheus-files.js";
import type { ImportContext } from "./context.js";
import { freeKey, shellQuote, sourcePath } from "./secrets.js";
import type { Path, Src, Where } from "./source.js";

const P: Path = ["prometheus"];

/** Kubernetes' rule for ConfigMap and Secret data keys. */
const VALID_KEY = /^[-._a-zA-Z0-9]+$/;

interface ConfigMapEntry {
  name: string;
  /** The source directory, as the shell reaches it from here. */
  dir: string;
  /** ConfigMap key to the file it is created from. */
  files: Map<string, string>;
  /** The patterns that named this directory, for the command's notes. */
  named: Where[];
}

/**
 * file_sd target files, one ConfigMap per source directory: a directory's file names are
 * already unique keys, and a glob such as targets/*.json keeps its meaning as
 * /etc/prometheus/configmaps/<name>/*.json over that ConfigMap's keys.
 */
export class ConfigMapSink {
  private readonly entries: ConfigMapEntry[] = [];

  constructor(readonly prefix: string) {}

  /** The ConfigMap that holds the files of this directory. */
  forDirectory(dir: string, where: Where): ConfigMapEntry {
    let entry = this.entries.find((e) => resolve(e.dir) === resolve(dir));
    if (!entry) {
      const name = freeKey(`${this.prefix}-file-sd`, (n) => this.entries.some((e) => e.name === n));
      entry = { name, dir, files: new Map(), named: [] };
      this.entries.push(entry);
    }
    entry.named.push(where);
    return entry;
  }

  get names(): string[] {
    return this.entries.map((e) => e.name);
  }

  /** Forgets the ConfigMaps nothing refers to any more (their job was not kept). */
  keepOnly(used: Set<string>): void {
    for (let i = this.entries.length - 1; i >= 0; i--) if (!used.has(this.entries[i]!.name)) this.entries.splice(i, 1);
  }

  /** One `kubectl create configmap` command per ConfigMap, each source named above it. */
  commands(namespace?: string): string[] {
    return this.entries.flatMap((entry) => {
      const notes = entry.named.map((w) => `# ${entry.name}: ${w.file}:${w.line}: ${w.key} (file_sd target files of ${entry.dir})`);
      const missing = [...entry.files.values()].filter((file) => !existsSync(file));
      if (entry.files.size === 0) notes.push(`# ${entry.name}: no file matches here; add the target files as keys`);
      if (missing.length > 0) notes.push(`# ${entry.name}: not found here (run this where they are): ${missing.join(", ")}`);
      const head = `kubectl create configmap ${shellQuote(entry.name)}${namespace ? ` --namespace ${shellQuote(namespace)}` : ""}`;
      const options = [...entry.files].map(([key, file]) => `--from-file=${key}=${shellQuote(file)}`);
      return [...notes, [head, ...options].join(" \\\n  ")];
    });
  }
}

/** Adds a name to a mount list of the profile (secretMounts, configMapMounts) once. */
function addMount(ctx: ImportContext, key: "secretMounts" | "configMapMounts", name: string): void {
  const list = (ctx.profile.get([...P, key]) as string[] | undefined) ?? [];
  if (list.includes(name)) return;
  if (list.length > 0) return void list.push(name);
  const what = key === "secretMounts" ? "Secret holds the credential and TLS files" : "ConfigMaps hold the file_sd target files";
  ctx.profile.set([...P, key], [name], undefined, `The import's ${what} the source's scrape configs name (it printed the commands that create them).`);
}

/** Sets the value at a path inside a raw job (the path exists: it came from the walk). */
function setIn(job: Record<string, unknown>, at: Path, value: string): void {
  let node = job as Record<string | number, unknown>;
  for (const segment of at.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  node[at[at.length - 1]!] = value;
}

/**
 * Rewrites every file of a raw scrape config (already copied from the source) that the pod
 * could not read into a path under a Secret or ConfigMap mount, adding the mount. What cannot
 * move (a log file to write, a glob in a directory name) is left for validate, which says why.
 */
export function mountScrapeConfigFiles(job: Record<string, unknown>, jobSrc: Src, ctx: ImportContext): void {
  for (const file of filesOfScrapeConfig(job)) {
    const mounts = prometheusMounts((ctx.profile.get(P) ?? {}) as PrometheusValues);
    if (file.write || !unreadable(file.path, mounts, file)) continue;
    const where = jobSrc.where(file.at);
    if (file.glob) {
      const mounted = mountTargetFiles(file.path, where, jobSrc, ctx);
      if (mounted) setIn(job, file.at, mounted);
      continue;
    }
    const ref = ctx.sink.file(basename(file.path), file.path, where);
    addMount(ctx, "secretMounts", ref.name);
    setIn(job, file.at, `${SECRETS_DIR}/${ref.name}/${ref.key}`);
  }
}

/** An inline credential of a raw scrape config as a key of the import's Secret: the mounted path its *_file names. */
export function mountInlineCredential(hint: string, value: string, where: Where, ctx: ImportContext): string {
  const ref = ctx.sink.literal(hint, value, where);
  addMount(ctx, "secretMounts", ref.name);
  return `${SECRETS_DIR}/${ref.name}/${ref.key}`;
}

/** A file_sd files entry (a file or a glob in its last segment) to its place under a ConfigMap mount. */
function mountTargetFiles(pattern: string, where: Where, jobSrc: Src, ctx: ImportContext): string | undefined {
  const name = basename(pattern);
  if (/[*?[]/.test(dirname(pattern))) return undefined;
  if (!VALID_KEY.test(name.replace(/[*?[\]]/g, ""))) {
    ctx.report.add(where, `${pattern}: ${name} cannot be a ConfigMap key ([-._a-zA-Z0-9]); rename the target files and import again`);
    return undefined;
  }
  const dir = dirname(sourcePath(pattern, jobSrc.file));
  const configMap = ctx.configMaps.forDirectory(dir, where);
  for (const found of ctx.readRelated(pattern, dirname(jobSrc.file))) {
    const key = basename(found);
    if (!VALID_KEY.test(key)) ctx.report.add(where, `${found} matches ${pattern} but cannot be a ConfigMap key ([-._a-zA-Z0-9]); rename it and import again`);
    else configMap.files.set(key, join(dir, key));
  }
  // A file named outright is a key even when it is not here (the command says so).
  if (!/[*?[]/.test(name) && !configMap.files.has(name)) configMap.files.set(name, join(dir, name));
  addMount(ctx, "configMapMounts", configMap.name);
  return `${CONFIGMAPS_DIR}/${configMap.name}/${name}`;
}

/** The Secret keys and ConfigMaps the profile's raw configs still name by their mounted paths. */
function mountedPaths(value: unknown, out = { secrets: new Map<string, Set<string>>(), configMaps: new Set<string>() }): typeof out {
  if (typeof value === "string") {
    const secret = new RegExp(`^${SECRETS_DIR}/([^/]+)/([^/]+)$`).exec(value);
    if (secret) out.secrets.set(secret[1]!, (out.secrets.get(secret[1]!) ?? new Set()).add(secret[2]!));
    const configMap = new RegExp(`^${CONFIGMAPS_DIR}/([^/]+)/`).exec(value);
    if (configMap) out.configMaps.add(configMap[1]!);
  } else if (Array.isArray(value)) for (const item of value) mountedPaths(item, out);
  else if (value !== null && typeof value === "object") for (const item of Object.values(value)) mountedPaths(item, out);
  return out;
}

/**
 * After the profile was fitted to the contract (a refused job goes whole): the Secret keys
 * raw configs still name by path, and the mounts the import added that nothing names any
 * more are removed (a pod waits for a Secret or ConfigMap that is never created).
 */
export function keepUsedMounts(ctx: ImportContext): Set<string> {
  const used = mountedPaths(ctx.profile.values);
  const addedConfigMaps = ctx.configMaps.names;
  ctx.configMaps.keepOnly(used.configMaps);
  const prune = (key: "secretMounts" | "configMapMounts", added: string[], kept: (name: string) => boolean) => {
    const list = ctx.profile.get([...P, key]) as string[] | undefined;
    if (!list) return;
    const rest = list.filter((name) => !added.includes(name) || kept(name));
    if (rest.length === list.length) return;
    if (rest.length > 0) list.splice(0, list.length, ...rest);
    else ctx.profile.delete([...P, key]);
  };
  prune("secretMounts", [ctx.sink.name], (name) => used.secrets.has(name));
  prune("configMapMounts", addedConfigMaps, (name) => used.configMaps.has(name));
  return used.secrets.get(ctx.sink.name) ?? new Set();
}
