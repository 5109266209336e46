// prometheus.yml into prometheus.*: global intervals and external labels, scrape_configs as
// raw extraScrapeConfigs, remote_write as typed endpoints, remote_read; the rule files and
// scrape config files it names are read and imported too; files a scrape config names are
// mounted (./files.ts).
import { baseDir, unknownKeys, type ImportContext } from "./context.js";
import { convertConfig } from "./convert.js";
import { mountScrapeConfigFiles } from "./files.js";
import { importRuleFile } from "./rules.js";
import { isMapping, readInput, type Path, type Src } from "./source.js";

const P: Path = ["prometheus"];

// Prometheus' own defaults; the chart's differ, so an import sets them where the source is silent.
const GLOBAL_DEFAULTS: Record<string, [string, string]> = {
  scrape_interval: ["scrapeInterval", "1m"],
  scrape_timeout: ["scrapeTimeout", "10s"],
  evaluation_interval: ["evaluationInterval", "1m"],
};

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
  if (isMapping(global.external_labels)) ctx.profile.set([...P, "externalLabels"], global.external_labels, globalSrc.where(["external_labels"]));
  unknownKeys(ctx, globalSrc, [...Object.keys(GLOBAL_DEFAULTS), "external_labels"], () => "no equivalent in the contract");

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
      ctx.profile.set(path, convertConfig(itemSrc, "remote_read", `remote-read-${i}`, { ...ctx, note: (rel, where, c) => ctx.profile.note([...path, ...rel], where, c) }), itemSrc.where());
    });
  if (isMapping(value.alerting)) {
    const alerting = src.sub(["alerting"]);
    if (value.alerting.alertmanagers !== undefined)
      ctx.report.add(alerting.where(["alertmanagers"]), "promstack's Prometheus sends alerts to the chart's own Alertmanager (alertmanager.enabled); other Alertmanagers are not configurable");
    unknownKeys(ctx, alerting, ["alertmanagers"], () => "no alert relabelling in the contract");
  }
  unknownKeys(ctx, src, ["global", "scrape_configs", "scrape_config_files", "rule_files", "remote_write", "remote_read", "alerting"], (key) => `promstack does not configure Prometheus' ${key} section`);
}

/** Keys of a raw scrape config that hold a credential inline (the chart would put it in a ConfigMap). */
const INLINE_CREDENTIALS = new Set(["password", "credentials", "bearer_token", "client_secret", "token", "secret_key", "api_key", "access_key"]);

function stripCredentials(value: unknown, src: Src, ctx: ImportContext, path: Path = []): unknown {
  if (Array.isArray(value)) return value.map((item, i) => stripCredentials(item, src, ctx, [...path, i]));
  if (!isMapping(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === "string" && (INLINE_CREDENTIALS.has(key) || (key === "key" && /-----BEGIN/.test(field)))) {
      ctx.report.add(src.where([...path, key]), `inline credential in a raw scrape config is not written to the profile (it would land in a ConfigMap); use ${key}_file with a file mounted into Prometheus`);
      continue;
    }
    out[key] = stripCredentials(field, src, ctx, [...path, key]);
  }
  return out;
}

export function importScrapeConfigs(src: Src, ctx: ImportContext): void {
  (src.value as unknown[]).forEach((job, i) => {
    const jobSrc = src.sub([i]);
    if (!isMapping(job) || typeof job.job_name !== "string") return ctx.report.add(jobSrc.where(), "a scrape config needs a job_name");
    const raw = stripCredentials(job, jobSrc, ctx) as Record<string, unknown>;
    mountScrapeConfigFiles(raw, jobSrc, ctx);
    ctx.profile.push([...P, "extraScrapeConfigs"], raw, jobSrc.where(), `job ${job.job_name} from ${src.file}:${jobSrc.line()}`);
  });
}

/** Prometheus' remote_write entry to the typed prometheus.remoteWrite item. */
export function importRemoteWrite(src: Src, ctx: ImportContext): void {
  const list = (ctx.profile.get([...P, "remoteWrite"]) as unknown[] | undefined) ?? [];
  const path = [...P, "remoteWrite", list.length];
  const note = (rel: Path, where: ReturnType<Src["where"]>, comment?: string) => ctx.profile.note([...path, ...rel], where, comment);
  const raw = convertConfig(src, "remote_write", `remote-write-${list.length}`, { ...ctx, note });
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (key === "tlsConfig") out.tls = value;
    else if (key === "queueConfig") out.queue = value;
    else if (key === "writeRelabelConfigs") out.writeRelabelings = value;
    else if (key === "basicAuth" && isMapping(value)) {
      const auth: Record<string, unknown> = { ...value };
      if (typeof auth.username === "string") {
        auth.usernameSecret = ctx.sink.literal(`remote-write-${list.length}-username`, auth.username, src.where(["basic_auth", "username"]));
        delete auth.username;
      }
      out.basicAuth = auth;
    } else if (key === "authorization" && isMapping(value) && (value.type === undefined || value.type === "Bearer") && value.credentialsSecret && Object.keys(value).every((k) => k === "type" || k === "credentialsSecret")) {
      out.bearerTokenSecret = value.credentialsSecret;
    } else out[key] = value;
  }
  ctx.profile.set(path, out, src.where());
  // The renamed keys keep their source positions for the unmapped report.
  const renamed: Array<[string, string]> = [["tls_config", "tls"], ["queue_config", "queue"], ["write_relabel_configs", "writeRelabelings"], ["authorization", "bearerTokenSecret"]];
  for (const [from, to] of renamed)
    if (isMapping(src.value) && (src.value as Record<string, unknown>)[from] !== undefined) ctx.profile.note([...path, to], src.where([from]));
}
