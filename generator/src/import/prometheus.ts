// prometheus.yml into prometheus.*: global intervals and external labels, scrape_configs as
// raw extraScrapeConfigs, remote_write as typed endpoints, remote_read; the rule files and
// scrape config files it names are read and imported too; files a scrape config names are
// mounted (./files.ts).
import { baseDir, unknownKeys, type ImportContext } from "./context.js";
import { convertConfig } from "./convert.js";
import { mountInlineCredential, mountScrapeConfigFiles } from "./files.js";
import { labelsAsGoReadsThem, scrapeConfigAsGoReadsIt } from "./go-strings.js";
import { importRuleFile } from "./rules.js";
import { isMapping, readInput, Src, type Path } from "./source.js";

const P: Path = ["prometheus"];

// Prometheus' own defaults; the chart's differ, so an import sets them where the source is silent.
const GLOBAL_DEFAULTS: Record<string, [string, string]> = {
  scrape_interval: ["scrapeInterval", "1m"],
  scrape_timeout: ["scrapeTimeout", "10s"],
  evaluation_interval: ["evaluationInterval", "1m"],
};

/** The rest of the global section the contract carries, by profile path below prometheus. */
const GLOBAL_KEYS: Record<string, Path> = {
  keep_dropped_targets: ["keepDroppedTargets"],
  rule_query_offset: ["ruleQueryOffset"],
  scrape_protocols: ["scrapeDefaults", "protocols"],
  scrape_native_histograms: ["scrapeDefaults", "nativeHistograms"],
  always_scrape_classic_histograms: ["scrapeDefaults", "alwaysScrapeClassicHistograms"],
  convert_classic_histograms_to_nhcb: ["scrapeDefaults", "convertClassicHistogramsToNHCB"],
  extra_scrape_metrics: ["scrapeDefaults", "extraScrapeMetrics"],
  body_size_limit: ["scrapeDefaults", "bodySizeLimit"],
  sample_limit: ["scrapeDefaults", "sampleLimit"],
  label_limit: ["scrapeDefaults", "labelLimit"],
  label_name_length_limit: ["scrapeDefaults", "labelNameLengthLimit"],
  label_value_length_limit: ["scrapeDefaults", "labelValueLengthLimit"],
  target_limit: ["scrapeDefaults", "targetLimit"],
};

/** Global files Prometheus writes, and the contract's keys for them. */
const LOG_FILES: Record<string, string> = { query_log_file: "queryLogFile", scrape_failure_log_file: "scrapeFailureLogFile" };

export function importPrometheus(src: Src, ctx: ImportContext): void {
  if (!isMapping(src.value)) return ctx.report.add(src.where(), "not a mapping: no Prometheus configuration here");
  const value = src.value;
  const global = isMapping(value.global) ? value.global : {};
  const globalSrc = src.sub(["global"]);
  for (const [key, [target, fallback]] of Object.entries(GLOBAL_DEFAULTS)) {
    if (global[key] !== undefined && global[key] !== null) ctx.profile.set([...P, target], global[key], globalSrc.where([key]));
    else ctx.profile.set([...P, target], fallback, src.where(), `global.${key}: not set in ${src.file}; Prometheus' default.`);
  }
  // Dashboards size $__rate_interval from the datasource's interval; keep it equal to the scrape interval.
  ctx.profile.set(["grafana", "datasources", "prometheus", "scrapeInterval"], ctx.profile.get([...P, "scrapeInterval"]), globalSrc.where(["scrape_interval"]), "The scrape interval, so dashboards size $__rate_interval from it.");
  if (isMapping(global.external_labels)) ctx.profile.set([...P, "externalLabels"], labelsAsGoReadsThem(global.external_labels, globalSrc.sub(["external_labels"])), globalSrc.where(["external_labels"]));
  for (const [key, target] of Object.entries(GLOBAL_KEYS))
    if (global[key] !== undefined && global[key] !== null) ctx.profile.set([...P, ...target], global[key], globalSrc.where([key]));
  for (const [key, target] of Object.entries(LOG_FILES)) {
    const file = global[key];
    if (typeof file !== "string" || file === "") continue;
    // Prometheus reads a relative path from the config file's directory, which is read-only in the pod.
    const note = file.startsWith("/") ? undefined : `Relative to ${src.file}'s directory in the source; the chart writes it in the data volume (/prometheus/${file}).`;
    ctx.profile.set([...P, target], file, globalSrc.where([key]), note);
  }
  unknownKeys(ctx, globalSrc, [...Object.keys(GLOBAL_DEFAULTS), "external_labels", ...Object.keys(LOG_FILES), ...Object.keys(GLOBAL_KEYS)], () => "no equivalent in the contract");

  if (Array.isArray(value.scrape_configs)) importScrapeConfigs(src.sub(["scrape_configs"]), ctx);
  if (Array.isArray(value.scrape_config_files))
    value.scrape_config_files.forEach((pattern, i) => {
      const files = ctx.readRelated(String(pattern), baseDir(src));
      if (files.length === 0) return ctx.report.add(src.where(["scrape_config_files", i]), `no file matches ${JSON.stringify(pattern)}`);
      for (const file of files) for (const doc of readInput(file)) {
        if (Array.isArray((doc.value as Record<string, unknown>)?.scrape_configs)) importScrapeConfigs(doc.sub(["scrape_configs"]), ctx);
        unknownKeys(ctx, doc, ["scrape_configs"], () => "not a scrape config file key");
      }
    });
  if (Array.isArray(value.rule_files))
    value.rule_files.forEach((pattern, i) => {
      const files = ctx.readRelated(String(pattern), baseDir(src));
      if (files.length === 0) return ctx.report.add(src.where(["rule_files", i]), `no rule file matches ${JSON.stringify(pattern)} (relative to ${baseDir(src)}); import it with --rules`);
      for (const file of files) for (const doc of readInput(file)) importRuleFile(doc, ctx);
    });
  if (Array.isArray(value.remote_write)) value.remote_write.forEach((_, i) => importRemoteWrite(src.sub(["remote_write", i]), ctx));
  if (Array.isArray(value.remote_read))
    value.remote_read.forEach((_, i) => {
      const itemSrc = src.sub(["remote_read", i]);
      const path = [...P, "remoteRead", i];
      const converted = convertConfig(itemSrc, "remote_read", `remote-read-${i}`, { ...ctx, note: (rel, where, c) => ctx.profile.note([...path, ...rel], where, c) });
      ctx.profile.set(path, typedHttpClient(converted, itemSrc, i, "remote-read", ctx), itemSrc.where());
      renamedNotes(itemSrc, path, ctx);
    });
  if (isMapping(value.alerting)) {
    const alerting = src.sub(["alerting"]);
    if (Array.isArray(value.alerting.alertmanagers)) importAlertmanagerConfigs(alerting.sub(["alertmanagers"]), ctx);
    unknownKeys(ctx, alerting, ["alertmanagers"], () => "no alert relabelling in the contract");
  }
  if (isMapping(value.storage)) importStorage(src.sub(["storage"]), ctx);
  if (isMapping(value.otlp)) importOtlp(src.sub(["otlp"]), ctx);
  unknownKeys(ctx, src, ["global", "scrape_configs", "scrape_config_files", "rule_files", "remote_write", "remote_read", "alerting", "storage", "otlp"], (key) => `promstack does not configure Prometheus' ${key} section`);
}

/** storage: the TSDB's out-of-order window (the rest of storage is set by flags the chart owns). */
function importStorage(src: Src, ctx: ImportContext): void {
  const tsdb = src.sub(["tsdb"]);
  if (isMapping(tsdb.value) && tsdb.value.out_of_order_time_window !== undefined && tsdb.value.out_of_order_time_window !== null)
    ctx.profile.set([...P, "tsdb", "outOfOrderTimeWindow"], tsdb.value.out_of_order_time_window, tsdb.where(["out_of_order_time_window"]));
  if (isMapping(tsdb.value)) unknownKeys(ctx, tsdb, ["out_of_order_time_window"], () => "no equivalent in the contract");
  unknownKeys(ctx, src, ["tsdb"], () => "no equivalent in the contract");
}

/** prometheus.yml's otlp keys and prometheus.otlp's. */
const OTLP_KEYS: Record<string, string> = {
  promote_resource_attributes: "promoteResourceAttributes",
  promote_all_resource_attributes: "promoteAllResourceAttributes",
  ignore_resource_attributes: "ignoreResourceAttributes",
  translation_strategy: "translationStrategy",
  keep_identifying_resource_attributes: "keepIdentifyingResourceAttributes",
  convert_histograms_to_nhcb: "convertHistogramsToNHCB",
  promote_scope_metadata: "promoteScopeMetadata",
  label_name_underscore_sanitization: "labelNameUnderscoreSanitization",
  label_name_preserve_multiple_underscores: "labelNamePreserveMultipleUnderscores",
};

function importOtlp(src: Src, ctx: ImportContext): void {
  for (const [key, value] of Object.entries(src.value as Record<string, unknown>)) {
    const target = OTLP_KEYS[key];
    if (target && value !== null && value !== undefined) ctx.profile.set([...P, "otlp", target], value, src.where([key]));
  }
  unknownKeys(ctx, src, Object.keys(OTLP_KEYS), () => "no equivalent in the contract");
}

/** Keys of an alertmanager_config entry that prometheus.additionalAlertmanagers carries. */
const HTTP_CLIENT_KEYS = ["tls_config", "basic_auth", "authorization", "oauth2"];
const ALERTMANAGER_KEYS = ["static_configs", "scheme", "path_prefix", "timeout", "api_version", ...HTTP_CLIENT_KEYS];

/**
 * alertmanager_config entries (prometheus.yml's alerting.alertmanagers, kube-prometheus-stack's
 * additionalAlertManagerConfigs) with static targets to prometheus.additionalAlertmanagers, their
 * credentials as Secret references; discovery and relabelling are reported. An entry that names
 * no target at all sends nothing anywhere, which the profile says instead of carrying it.
 */
export function importAlertmanagerConfigs(src: Src, ctx: ImportContext): void {
  (src.value as unknown[]).forEach((entry, i) => {
    const at = src.sub([i]);
    if (!isMapping(entry)) return ctx.report.add(at.where(), "an alertmanager_config entry must be a mapping");
    const groups = Array.isArray(entry.static_configs) ? entry.static_configs.filter(isMapping) : [];
    const targets = groups.flatMap((group) => (Array.isArray(group.targets) ? group.targets.map(String) : []));
    const unmapped = Object.keys(entry).filter((key) => !ALERTMANAGER_KEYS.includes(key));
    if (unmapped.length === 0 && targets.length === 0 && Object.keys(entry).every((key) => key === "static_configs")) {
      const list = (ctx.profile.get([...P, "additionalAlertmanagers"]) as unknown[] | undefined) ?? [];
      return ctx.profile.set([...P, "additionalAlertmanagers"], list, at.where(), `${at.file}:${at.line()}: an Alertmanager entry without targets (Prometheus sends it nothing), so none here.`);
    }
    const labelled = groups.some((group) => isMapping(group.labels) && Object.keys(group.labels).length > 0);
    if (targets.length === 0 || unmapped.length > 0 || labelled || (entry.api_version !== undefined && entry.api_version !== "v2")) {
      const why = unmapped.length ? unmapped.join(", ") : targets.length === 0 ? "no static targets" : labelled ? "target labels" : `api_version ${String(entry.api_version)}`;
      return ctx.report.add(at.where(), `not mapped (${why}): write it as prometheus.additionalAlertmanagers with targets and Secret references`);
    }
    const list = (ctx.profile.get([...P, "additionalAlertmanagers"]) as unknown[] | undefined) ?? [];
    const path = [...P, "additionalAlertmanagers", list.length];
    const out: Record<string, unknown> = { targets };
    if (entry.scheme !== undefined) out.scheme = entry.scheme;
    if (entry.path_prefix !== undefined) out.pathPrefix = entry.path_prefix;
    if (entry.timeout !== undefined) out.timeout = entry.timeout;
    const note = (rel: Path, where: ReturnType<Src["where"]>, comment?: string) => ctx.profile.note([...path, ...rel], where, comment);
    const clientKeys = new Src(at.source, at.base, Object.fromEntries(Object.entries(entry).filter(([key]) => HTTP_CLIENT_KEYS.includes(key))));
    Object.assign(out, typedHttpClient(convertConfig(clientKeys, "alertmanager", `alertmanager-${list.length}`, { ...ctx, note }), at, list.length, "alertmanager", ctx));
    ctx.profile.set(path, out, at.where());
    renamedNotes(at, path, ctx);
  });
}

/** Keys of a raw scrape config that hold a credential inline (the chart would put it in a ConfigMap). */
const INLINE_CREDENTIALS = new Set(["password", "credentials", "bearer_token", "client_secret", "token", "secret_key", "api_key", "access_key"]);

/**
 * Where Prometheus reads the same credential from a file instead: `<key>_file` beside it, for
 * these keys in a block of this name ("" = any block: an HTTP client's bearer_token).
 */
const FILE_VARIANTS: Record<string, string> = {
  credentials: "authorization",
  password: "basic_auth",
  client_secret: "oauth2",
  bearer_token: "",
  secret_key: "scaleway_sd_configs",
  key: "tls_config",
};

/** The block a key sits in: the nearest mapping key above it (list indexes skipped). */
function blockOf(path: Path): string | undefined {
  return [...path].reverse().find((segment): segment is string => typeof segment === "string");
}

/**
 * Inline credentials of a raw scrape config: moved to a key of the import's Secret, read through
 * `<key>_file` from its mount, where Prometheus has that file form; reported otherwise (the
 * value would land in a ConfigMap).
 */
function moveCredentials(value: unknown, src: Src, ctx: ImportContext, path: Path = []): unknown {
  if (Array.isArray(value)) return value.map((item, i) => moveCredentials(item, src, ctx, [...path, i]));
  if (!isMapping(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === "string" && (INLINE_CREDENTIALS.has(key) || (key === "key" && /-----BEGIN/.test(field)))) {
      const block = FILE_VARIANTS[key];
      if (block !== undefined && (block === "" || blockOf(path) === block) && value[`${key}_file`] === undefined) {
        out[`${key}_file`] = mountInlineCredential(`${String(src.value && (src.value as Record<string, unknown>).job_name)}-${key}`, field, src.where([...path, key]), ctx);
        continue;
      }
      ctx.report.add(src.where([...path, key]), `inline credential in a raw scrape config is not written to the profile (it would land in a ConfigMap, and Prometheus has no ${key}_file here); mount a file and name it, or use a typed scrape job`);
      continue;
    }
    out[key] = moveCredentials(field, src, ctx, [...path, key]);
  }
  return out;
}

export function importScrapeConfigs(src: Src, ctx: ImportContext): void {
  (src.value as unknown[]).forEach((job, i) => {
    const jobSrc = src.sub([i]);
    if (!isMapping(job) || typeof job.job_name !== "string") return ctx.report.add(jobSrc.where(), "a scrape config needs a job_name");
    const raw = moveCredentials(scrapeConfigAsGoReadsIt(job, jobSrc), jobSrc, ctx) as Record<string, unknown>;
    mountScrapeConfigFiles(raw, jobSrc, ctx);
    ctx.profile.push([...P, "extraScrapeConfigs"], raw, jobSrc.where(), `job ${job.job_name} from ${src.file}:${jobSrc.line()}`);
  });
}

/** Prometheus' remote_write entry to the typed prometheus.remoteWrite item. */
export function importRemoteWrite(src: Src, ctx: ImportContext): void {
  const list = (ctx.profile.get([...P, "remoteWrite"]) as unknown[] | undefined) ?? [];
  const path = [...P, "remoteWrite", list.length];
  const note = (rel: Path, where: ReturnType<Src["where"]>, comment?: string) => ctx.profile.note([...path, ...rel], where, comment);
  const out = typedHttpClient(convertConfig(src, "remote_write", `remote-write-${list.length}`, { ...ctx, note }), src, list.length, "remote-write", ctx);
  for (const [from, to] of [["queueConfig", "queue"], ["writeRelabelConfigs", "writeRelabelings"]] as const) {
    if (from in out) {
      out[to] = out[from];
      delete out[from];
    }
  }
  ctx.profile.set(path, out, src.where());
  renamedNotes(src, path, ctx);
}

/**
 * An HTTP client's converted keys (convertConfig) in the contract's typed form: tls, a basic
 * auth user name as a Secret key, and a bearer token from a Secret as bearerTokenSecret.
 */
function typedHttpClient(raw: Record<string, unknown>, src: Src, index: number, hint: string, ctx: ImportContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === "tlsConfig") out.tls = value;
    else if (key === "basicAuth" && isMapping(value)) {
      const auth: Record<string, unknown> = { ...value };
      if (typeof auth.username === "string") {
        auth.usernameSecret = ctx.sink.literal(`${hint}-${index}-username`, auth.username, src.where(["basic_auth", "username"]));
        delete auth.username;
      }
      out.basicAuth = auth;
    } else if (key === "authorization" && isMapping(value) && (value.type === undefined || value.type === "Bearer") && value.credentialsSecret && Object.keys(value).every((k) => k === "type" || k === "credentialsSecret")) {
      out.bearerTokenSecret = value.credentialsSecret;
    } else out[key] = value;
  }
  return out;
}

/** The renamed keys keep their source positions for the unmapped report. */
function renamedNotes(src: Src, path: Path, ctx: ImportContext): void {
  const renamed: Array<[string, string]> = [["tls_config", "tls"], ["queue_config", "queue"], ["write_relabel_configs", "writeRelabelings"], ["authorization", "bearerTokenSecret"]];
  for (const [from, to] of renamed)
    if (isMapping(src.value) && (src.value as Record<string, unknown>)[from] !== undefined && ctx.profile.get([...path, to]) !== undefined) ctx.profile.note([...path, to], src.where([from]));
}
