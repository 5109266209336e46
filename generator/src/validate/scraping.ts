// Checks of what Prometheus scrapes: scrape job names (unique, not taken by the stack's own
// jobs), their auth and ports, keys operator mode ignores, and the exporters' settings.
import { isIPv6 } from "node:net";
import { durationSeconds } from "../duration.js";
import type { ExportersValues, PromstackValues, ScrapeJob } from "../types/values.js";
import type { Findings } from "./findings.js";
import { checkScrapeConfigFiles, prometheusMounts, unreadable } from "./prometheus-files.js";
import { checkRawScrapeConfigs } from "./scrape-configs.js";

/**
 * Names of the jobs the stack scrapes itself with in standalone mode (the umbrella's
 * promstack.serviceTargets and friends): Prometheus refuses a second job of the same name.
 */
function stackJobNames(values: PromstackValues): string[] {
  const names = ["prometheus"];
  if (values.alertmanager?.enabled) names.push("alertmanager");
  if (values["alert-receiver"]?.enabled) names.push("alert-receiver");
  if (values.grafana?.enabled && values.grafana.deploy !== false) names.push("grafana");
  const exporters = values.exporters;
  if (exporters?.enabled) {
    if (exporters.nodeExporter?.enabled) names.push("node-exporter");
    if (exporters.kubeStateMetrics?.enabled) names.push("kube-state-metrics");
    if (exporters.postgres?.enabled) names.push("postgres-exporter");
    if (exporters.redis?.enabled) names.push("redis-exporter");
    if (exporters.rabbitmq?.enabled) names.push("rabbitmq", "rabbitmq-detailed");
    if (exporters.blackbox?.enabled) names.push("blackbox-exporter", ...(exporters.blackbox.probes ?? []).map((probe) => `blackbox-${probe.name}`));
  }
  return names;
}

export function checkScraping(values: PromstackValues, findings: Findings): void {
  const prometheus = values.prometheus;
  // The CRD chart's condition is prometheus.operator.deploy alone (Helm conditions cannot combine two keys).
  if (prometheus?.enabled === false && prometheus.operator?.deploy) {
    findings.add("error", ["prometheus", "operator", "deploy"], "deploy installs the Prometheus Operator for this release's Prometheus, but prometheus.enabled is false: set one or the other");
  }
  if (!prometheus?.enabled) return;
  const operator = prometheus.mode === "operator";
  const reserved = stackJobNames(values);
  const seen = new Set<string>();
  for (const [index, job] of (prometheus.scrapeJobs ?? []).entries()) {
    const at = ["prometheus", "scrapeJobs", index];
    if (seen.has(job.name)) findings.add("error", [...at, "name"], `scrape job "${job.name}" is defined twice; Prometheus needs unique job names`);
    else if (reserved.includes(job.name)) findings.add("error", [...at, "name"], `scrape job name "${job.name}" is taken by the stack's own job of that name`);
    seen.add(job.name);
    if (job.basicAuth && job.bearerTokenSecret) findings.add("error", [...at, "bearerTokenSecret"], "set either basicAuth or bearerTokenSecret, not both");
    else if (job.oauth2 && (job.basicAuth || job.bearerTokenSecret)) findings.add("error", [...at, "oauth2"], `set either ${job.basicAuth ? "basicAuth" : "bearerTokenSecret"} or oauth2, not both: Prometheus accepts one way to authenticate per scrape_config`);
    const role = job.kubernetes?.role;
    if (job.kubernetes?.port !== undefined && (role === "node" || role === "ingress")) {
      findings.add("error", [...at, "kubernetes", "port"], `port does not apply to role ${role} (its targets are the ${role === "node" ? "nodes' kubelet addresses" : "Ingress hosts"}); rewrite __address__ in relabelings instead`);
    }
    if (job.interval && job.timeout && durationSeconds(job.timeout) > durationSeconds(job.interval)) {
      findings.add("error", [...at, "timeout"], `timeout ${job.timeout} exceeds interval ${job.interval}; Prometheus refuses such a config`);
    }
  }
  for (const [index, raw] of (operator ? [] : prometheus.extraScrapeConfigs ?? []).entries()) {
    const at = ["prometheus", "extraScrapeConfigs", index, "job_name"];
    if (seen.has(raw.job_name)) findings.add("error", at, `scrape job "${raw.job_name}" is defined twice; Prometheus needs unique job names`);
    // A raw job named "prometheus" replaces the chart's self-scrape (the chart leaves its own out).
    else if (raw.job_name !== "prometheus" && reserved.includes(raw.job_name)) findings.add("error", at, `scrape job name "${raw.job_name}" is taken by the stack's own job of that name`);
    seen.add(raw.job_name);
  }
  // Prometheus refuses a remote endpoint with two ways to authenticate.
  for (const key of ["remoteWrite", "remoteRead", "additionalAlertmanagers"] as const) {
    for (const [index, remote] of (prometheus[key] ?? []).entries()) {
      const ways = (["basicAuth", "bearerTokenSecret", "oauth2", "sigv4"] as const).filter((way) => (remote as unknown as Record<string, unknown>)[way] !== undefined);
      if (ways.length > 1) findings.add("error", ["prometheus", key, index, ways[1]!], `set one of ${ways.join(" and ")}, not both: Prometheus accepts one way to authenticate per endpoint`);
    }
  }
  // Prometheus refuses two endpoints of one name when it reads the config, and two identical
  // ones (same URL and settings, neither named) only when it applies it: promtool passes that
  // config, and the server then refuses to load it.
  for (const key of ["remoteWrite", "remoteRead"] as const) {
    const kind = key === "remoteWrite" ? "remote write" : "remote read";
    const names = new Map<string, number>();
    const seenConfigs = new Map<string, number>();
    for (const [index, remote] of (prometheus[key] ?? []).entries()) {
      const named = names.get(remote.name ?? "");
      if (remote.name && named !== undefined) findings.add("error", ["prometheus", key, index, "name"], `${key}[${named}] is named "${remote.name}" too: Prometheus refuses two ${kind} configs of one name`);
      else if (remote.name) names.set(remote.name, index);
      const canonical = canonicalJson(remote);
      const same = seenConfigs.get(canonical);
      if (same !== undefined) findings.add("error", ["prometheus", key, index], `the same as ${key}[${same}]: Prometheus refuses duplicate ${kind} configs when it loads the config (promtool does not notice); remove one, or name them apart`);
      else seenConfigs.set(canonical, index);
    }
  }
  // One AWS_SHARED_CREDENTIALS_FILE serves every sigv4 endpoint of the container.
  const credentials = (prometheus.remoteWrite ?? []).flatMap((remote, index) => (remote.sigv4?.credentialsSecret ? [{ index, ref: remote.sigv4.credentialsSecret }] : []));
  for (const { index, ref } of credentials.slice(1)) {
    const first = credentials[0]!;
    if (ref.name !== first.ref.name || ref.key !== first.ref.key) {
      findings.add("error", ["prometheus", "remoteWrite", index, "sigv4", "credentialsSecret"], `every sigv4 endpoint shares one credentials file (AWS_SHARED_CREDENTIALS_FILE): use ${first.ref.name}/${first.ref.key} as remoteWrite[${first.index}] does, with a profile per endpoint`);
    }
  }
  // Prometheus promotes either the listed resource attributes or all but the ignored ones.
  const otlp = prometheus.otlp;
  if (otlp?.promoteAllResourceAttributes && (otlp.promoteResourceAttributes ?? []).length > 0)
    findings.add("error", ["prometheus", "otlp", "promoteResourceAttributes"], "promoteAllResourceAttributes already promotes every resource attribute: drop this list (Prometheus refuses both), or list the exceptions in ignoreResourceAttributes");
  if (!otlp?.promoteAllResourceAttributes && (otlp?.ignoreResourceAttributes ?? []).length > 0)
    findings.add("error", ["prometheus", "otlp", "ignoreResourceAttributes"], "ignoreResourceAttributes needs promoteAllResourceAttributes: true (Prometheus refuses it alone)");
  // The chart sets the replica label itself: a second value for it would be lost.
  const replica = prometheus.replicaExternalLabel;
  if (replica && !operator) {
    if (prometheus.externalLabels?.[replica] !== undefined) findings.add("error", ["prometheus", "replicaExternalLabel"], `externalLabels already sets ${replica}; the replica label's value is the pod name: pick another name or drop it from externalLabels`);
    if (replica === "cluster" && values.global?.clusterName) findings.add("error", ["prometheus", "replicaExternalLabel"], "cluster is the external label of global.clusterName: pick another name (prometheus_replica is usual)");
  }
  for (const [index, job] of (prometheus.scrapeJobs ?? []).entries()) {
    checkHostPorts(staticTargets(job).map(({ at, target }) => [["prometheus", "scrapeJobs", index, ...at], target]), findings);
  }
  for (const [index, am] of (prometheus.additionalAlertmanagers ?? []).entries()) checkHostPorts(am.targets.map((target, t) => [["prometheus", "additionalAlertmanagers", index, "targets", t], target]), findings);
  const features = (prometheus.extraArgs?.["enable-feature"] ?? "").split(",").map((f) => f.trim());
  for (const [index, remote] of (operator ? [] : prometheus.remoteWrite ?? []).entries()) {
    if (remote.sendExemplars && !features.includes("exemplar-storage")) {
      findings.add("warning", ["prometheus", "remoteWrite", index, "sendExemplars"], "Prometheus keeps no exemplars to send unless exemplar storage is on: add exemplar-storage to prometheus.extraArgs.enable-feature");
    }
  }
  for (const key of ["queryLogFile", "scrapeFailureLogFile"] as const) {
    const file = prometheus[key];
    if (operator || !file?.startsWith("/") || ["/dev/stdout", "/dev/stderr"].includes(file)) continue;
    const why = unreadable(file, prometheusMounts(prometheus), { write: true });
    if (why) findings.add("error", ["prometheus", key], `${why}; or write a bare file name (it lands in /prometheus/) or /dev/stdout`);
  }
  if (!operator) checkScrapeConfigFiles(prometheus, findings);
  if (!operator) checkRawScrapeConfigs(prometheus, findings);
  if (prometheus.operator?.deploy) {
    checkDeployedOperator(values, findings);
    return;
  }
  if (operator) {
    for (const key of ["remoteWrite", "remoteRead", "additionalAlertmanagers", "extraScrapeConfigs", "secretMounts", "configMapMounts", "extraVolumes", "extraVolumeMounts"] as const) {
      if ((prometheus[key] ?? []).length > 0) findings.add("warning", ["prometheus", key], `${key} configures the stack's own Prometheus, which operator mode does not deploy; it is ignored`, undefined, true);
    }
    if (prometheus.replicaExternalLabel) findings.add("warning", ["prometheus", "replicaExternalLabel"], "replicaExternalLabel configures the stack's own Prometheus, which operator mode does not deploy; it is ignored (the Operator's own is replicaExternalLabelName)", undefined, true);
    for (const key of ["queryLogFile", "scrapeFailureLogFile"] as const)
      if (prometheus[key]) findings.add("warning", ["prometheus", key], `${key} configures the stack's own Prometheus, which operator mode does not deploy; it is ignored`, undefined, true);
    if (prometheus.tsdb?.outOfOrderTimeWindow) findings.add("warning", ["prometheus", "tsdb", "outOfOrderTimeWindow"], "tsdb configures the stack's own Prometheus, which operator mode does not deploy; it is ignored", undefined, true);
    for (const key of ["keepDroppedTargets", "otlp", "ruleQueryOffset"] as const)
      if (prometheus[key] !== undefined) findings.add("warning", ["prometheus", key], `${key} configures the stack's own Prometheus, which operator mode does not deploy; it is ignored`, undefined, true);
    if (Object.keys(prometheus.scrapeDefaults ?? {}).length > 0) findings.add("warning", ["prometheus", "scrapeDefaults"], "scrapeDefaults configures the stack's own Prometheus, which operator mode does not deploy; it is ignored", undefined, true);
    if (Object.keys(prometheus.operator?.monitorSelectorLabels ?? {}).length === 0) {
      findings.add("warning", ["prometheus", "operator", "monitorSelectorLabels"], "operator mode without monitorSelectorLabels: an operator that selects monitors by label (kube-prometheus-stack: release: <its release>) ignores them", ["prometheus", "mode"]);
    }
  }
}

/**
 * prometheus.operator.deploy: the chart runs the operator and a Prometheus resource built from
 * the prometheus block. What that resource does not carry is refused, never dropped.
 */
function checkDeployedOperator(values: PromstackValues, findings: Findings): void {
  const prometheus = values.prometheus!;
  if (prometheus.mode !== "operator") {
    findings.add("error", ["prometheus", "operator", "deploy"], "deploy needs prometheus.mode: operator (standalone mode deploys Prometheus itself and reads no ServiceMonitor, PodMonitor or PrometheusRule)");
    return;
  }
  for (const key of ["remoteWrite", "remoteRead", "additionalAlertmanagers", "extraScrapeConfigs"] as const) {
    if ((prometheus[key] ?? []).length > 0) findings.add("error", ["prometheus", key], `${key} is not carried to the Prometheus resource of prometheus.operator.deploy: remove it, or use standalone mode (a ScrapeConfig object replaces extraScrapeConfigs)`);
  }
  if (prometheus.thanosSidecar?.enabled) findings.add("error", ["prometheus", "thanosSidecar", "enabled"], "thanosSidecar is not carried to the Prometheus resource of prometheus.operator.deploy: remove it, or use standalone mode");
  for (const key of ["labelNameUnderscoreSanitization", "labelNamePreserveMultipleUnderscores"] as const)
    if (prometheus.otlp?.[key] !== undefined) findings.add("error", ["prometheus", "otlp", key], `otlp.${key} is not carried to the Prometheus resource of prometheus.operator.deploy (its OTLP settings lack it): remove it, or use standalone mode`);
  for (const key of ["nativeHistograms", "extraScrapeMetrics"] as const)
    if (prometheus.scrapeDefaults?.[key] !== undefined) findings.add("error", ["prometheus", "scrapeDefaults", key], `scrapeDefaults.${key} is not carried to the Prometheus resource of prometheus.operator.deploy: remove it, or use standalone mode`);
  if (prometheus.ingress?.enabled) findings.add("error", ["prometheus", "ingress", "enabled"], "the Prometheus Ingress is rendered in standalone mode only: route your own Ingress to Service <release>-prometheus, port 9090");
}

/** Every static target of a ScrapeJob with its path below the job (static is one group or a list of groups). */
export function staticTargets(job: ScrapeJob): Array<{ at: Array<string | number>; target: string }> {
  if (!job.static) return [];
  const groups = Array.isArray(job.static) ? job.static.map((group, g) => ({ group, at: ["static", g] as Array<string | number> })) : [{ group: job.static, at: ["static"] as Array<string | number> }];
  return groups.flatMap(({ group, at }) => group.targets.map((target, t) => ({ at: [...at, "targets", t], target })));
}

/** host:port targets: an address in brackets must be IPv6, a port at most 65535 (Prometheus refuses the target otherwise). */
function checkHostPorts(targets: Array<[Array<string | number>, string]>, findings: Findings): void {
  for (const [at, target] of targets) {
    const match = /^(\[([^\]]*)\]|[^:]+)(?::(\d+))?$/.exec(target);
    if (match?.[2] !== undefined && !isIPv6(match[2])) findings.add("error", at, `${target}: ${match[2]} in brackets is not an IPv6 address`);
    if (match?.[3] !== undefined && Number(match[3]) > 65535) findings.add("error", at, `${target}: port ${match[3]} is above 65535`);
  }
}

export function checkExporters(exporters: ExportersValues, findings: Findings): void {
  const { postgres, redis, rabbitmq, blackbox } = exporters;
  if (postgres?.enabled) {
    for (const key of ["host", "user", "passwordSecret"] as const) {
      if (!postgres[key]) findings.add("error", ["exporters", "postgres", key], `exporters.postgres needs ${key}`, ["exporters", "postgres"], true);
    }
  }
  if (redis?.enabled && !redis.address) findings.add("error", ["exporters", "redis", "address"], "exporters.redis needs the server address, e.g. redis://redis.cache.svc:6379", ["exporters", "redis"], true);
  if (rabbitmq?.enabled && Object.keys(rabbitmq.podLabels ?? {}).length === 0) {
    findings.add("error", ["exporters", "rabbitmq", "podLabels"], "exporters.rabbitmq needs podLabels that select the RabbitMQ pods", ["exporters", "rabbitmq"], true);
  }
  if (blackbox?.enabled) {
    const modules = Object.keys(blackbox.modules ?? {});
    for (const [index, probe] of (blackbox.probes ?? []).entries()) {
      if (!modules.includes(probe.module)) findings.add("error", ["exporters", "blackbox", "probes", index, "module"], `probe "${probe.name}" uses module "${probe.module}", which exporters.blackbox.modules does not define (defined: ${modules.join(", ") || "none"})`);
    }
  }
}

/** JSON with every object's keys sorted: equal for values that differ only in key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === "object" && !Array.isArray(item) ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : item,
  );
}
