// A kube-prometheus-stack values file: its common Prometheus and Alertmanager spec keys,
// alertmanager.config, additionalPrometheusRulesMap, defaultRules.disabled, the image
// registry and pull secrets. Its other keys are listed as unmapped.
import { importAlertmanager } from "./alertmanager.js";
import { unknownKeys, type ImportContext } from "./context.js";
import { importAlertmanagerConfigs, importScrapeConfigs } from "./prometheus.js";
import { kpsNoEquivalentReason } from "./kube-prometheus-stack-keys.js";
import { importRuleGroups } from "./rules.js";
import { isMapping, type Path, type Src } from "./source.js";

const NO_EQUIVALENT = kpsNoEquivalentReason;

export function importKubePrometheusStack(src: Src, ctx: ImportContext, packAlerts: Map<string, string>): void {
  const value = src.value as Record<string, unknown>;
  if (isMapping(value.global)) {
    const g = src.sub(["global"]);
    const global = value.global;
    if (typeof global.imageRegistry === "string" && global.imageRegistry) ctx.profile.set(["global", "imageRegistry"], global.imageRegistry, g.where(["imageRegistry"]));
    if (Array.isArray(global.imagePullSecrets))
      ctx.profile.set(["global", "imagePullSecrets"], global.imagePullSecrets.map((s) => (isMapping(s) ? { name: String(s.name) } : String(s))), g.where(["imagePullSecrets"]));
    unknownKeys(ctx, g, ["imageRegistry", "imagePullSecrets"], (key) => NO_EQUIVALENT(`global.${key}`));
  }
  if (isMapping(value.prometheus)) importPrometheusSection(src.sub(["prometheus"]), ctx);
  if (isMapping(value.alertmanager)) importAlertmanagerSection(src.sub(["alertmanager"]), ctx);
  if (isMapping(value.additionalPrometheusRulesMap)) {
    const map = src.sub(["additionalPrometheusRulesMap"]);
    for (const [name, entry] of Object.entries(value.additionalPrometheusRulesMap)) {
      if (isMapping(entry) && Array.isArray(entry.groups)) importRuleGroups(map.sub([name, "groups"]), ctx, `additionalPrometheusRulesMap.${name} (${src.file})`);
      else ctx.report.add(map.where([name]), "an entry needs groups:");
    }
  }
  if (isMapping(value.defaultRules)) importDefaultRules(src.sub(["defaultRules"]), ctx, packAlerts);
  unknownKeys(ctx, src, ["global", "prometheus", "alertmanager", "additionalPrometheusRulesMap", "defaultRules"], NO_EQUIVALENT);
}

/** Scheduling, resources, replicas, retention and storage: the same keys in both specs. */
function importPodSpec(spec: Src, target: Path, ctx: ImportContext, storageKey: string): string[] {
  const value = spec.value as Record<string, unknown>;
  const handled = ["replicas", "resources", "nodeSelector", "tolerations", "affinity", "priorityClassName", "topologySpreadConstraints", "podMetadata", "volumes", "volumeMounts", "externalUrl", "podAntiAffinity", storageKey];
  if (typeof value.replicas === "number") ctx.profile.set([...target, "replicas"], value.replicas, spec.where(["replicas"]));
  if (isMapping(value.resources) && Object.keys(value.resources).length) ctx.profile.set([...target, "resources"], value.resources, spec.where(["resources"]));
  for (const key of ["nodeSelector", "tolerations", "affinity", "priorityClassName"]) {
    const v = value[key];
    if (v === undefined || v === null || v === "" || (isMapping(v) && Object.keys(v).length === 0) || (Array.isArray(v) && v.length === 0)) continue;
    ctx.profile.set([...target, "scheduling", key], v, spec.where([key]));
  }
  if (Array.isArray(value.topologySpreadConstraints) && value.topologySpreadConstraints.length) {
    const constraints = spec.sub(["topologySpreadConstraints"]);
    value.topologySpreadConstraints.forEach((constraint, i) => {
      // The Operator's own extension; the chart counts the component's pods by default instead.
      if (isMapping(constraint) && constraint.additionalLabelSelectors !== undefined)
        ctx.report.add(constraints.where([i, "additionalLabelSelectors"]), "additionalLabelSelectors has no promstack equivalent: a constraint without labelSelector counts the component's own pods");
    });
    const kept = value.topologySpreadConstraints.map((c) => (isMapping(c) ? Object.fromEntries(Object.entries(c).filter(([k]) => k !== "additionalLabelSelectors")) : c));
    ctx.profile.set([...target, "scheduling", "topologySpreadConstraints"], kept, spec.where(["topologySpreadConstraints"]), "Without labelSelector a constraint counts this component's own pods.");
  }
  // The Operator adds these to the pod and its main container as written, as the chart does.
  for (const [from, to] of [["volumes", "extraVolumes"], ["volumeMounts", "extraVolumeMounts"]] as const) {
    const v = value[from];
    if (Array.isArray(v) && v.length) ctx.profile.set([...target, to], v, spec.where([from]));
  }
  if (isMapping(value.podMetadata)) {
    const metadata = spec.sub(["podMetadata"]);
    for (const [from, to] of [["labels", "podLabels"], ["annotations", "podAnnotations"]] as const) {
      const v = value.podMetadata[from];
      if (isMapping(v) && Object.keys(v).length) ctx.profile.set([...target, to], v, metadata.where([from]));
    }
    unknownKeys(ctx, metadata, ["labels", "annotations"], (key) => `podMetadata.${key} has no promstack equivalent (the chart names its pods)`);
  }
  if (typeof value.externalUrl === "string" && value.externalUrl) ctx.profile.set([...target, "externalUrl"], value.externalUrl, spec.where(["externalUrl"]));
  if (value.podAntiAffinity === "soft" || value.podAntiAffinity === "hard" || value.podAntiAffinity === "")
    ctx.profile.set([...target, "antiAffinity"], value.podAntiAffinity || "none", spec.where(["podAntiAffinity"]), "podAntiAffinity \"\" means none in kube-prometheus-stack.");
  const storage = value[storageKey];
  if (isMapping(storage)) {
    const storageSrc = spec.sub([storageKey]);
    const claim = isMapping(storage.volumeClaimTemplate) && isMapping(storage.volumeClaimTemplate.spec) ? storage.volumeClaimTemplate.spec : undefined;
    if (claim) {
      ctx.profile.set([...target, "persistence", "enabled"], true, storageSrc.where(["volumeClaimTemplate"]));
      const size = isMapping(claim.resources) && isMapping(claim.resources.requests) ? claim.resources.requests.storage : undefined;
      if (size !== undefined) ctx.profile.set([...target, "persistence", "size"], String(size), storageSrc.where(["volumeClaimTemplate", "spec", "resources", "requests", "storage"]));
      if (typeof claim.storageClassName === "string") ctx.profile.set([...target, "persistence", "storageClass"], claim.storageClassName, storageSrc.where(["volumeClaimTemplate", "spec", "storageClassName"]));
      if (Array.isArray(claim.accessModes)) ctx.profile.set([...target, "persistence", "accessModes"], claim.accessModes, storageSrc.where(["volumeClaimTemplate", "spec", "accessModes"]));
      unknownKeys(ctx, storageSrc.sub(["volumeClaimTemplate", "spec"]), ["resources", "storageClassName", "accessModes"], (key) => `volume claim ${key} has no promstack equivalent`);
      unknownKeys(ctx, storageSrc.sub(["volumeClaimTemplate"]), ["spec"], (key) => `volume claim ${key} has no promstack equivalent`);
    } else if (storage.emptyDir !== undefined) ctx.profile.set([...target, "persistence", "enabled"], false, storageSrc.where(["emptyDir"]), "emptyDir storage: no volume claim.");
    unknownKeys(ctx, storageSrc, ["volumeClaimTemplate", "emptyDir"], (key) => `storage ${key} has no promstack equivalent`);
  }
  return handled;
}

function importPrometheusSection(src: Src, ctx: ImportContext): void {
  const value = src.value as Record<string, unknown>;
  if (typeof value.enabled === "boolean") ctx.profile.set(["prometheus", "enabled"], value.enabled, src.where(["enabled"]));
  if (isMapping(value.prometheusSpec)) {
    const spec = src.sub(["prometheusSpec"]);
    const s = value.prometheusSpec;
    const handled = importPodSpec(spec, ["prometheus"], ctx, "storageSpec");
    if (s.retention) ctx.profile.set(["prometheus", "retention", "time"], String(s.retention), spec.where(["retention"]));
    if (s.retentionSize) ctx.profile.set(["prometheus", "retention", "size"], String(s.retentionSize), spec.where(["retentionSize"]));
    for (const key of ["scrapeInterval", "scrapeTimeout", "evaluationInterval"]) if (s[key]) ctx.profile.set(["prometheus", key], String(s[key]), spec.where([key]));
    if (isMapping(s.externalLabels) && Object.keys(s.externalLabels).length) ctx.profile.set(["prometheus", "externalLabels"], s.externalLabels, spec.where(["externalLabels"]));
    // The Operator mounts these at the paths the chart uses (/etc/prometheus/secrets/<name>/, configmaps/<name>/):
    // scrape configs that read from them keep their paths. Set first, so the job import sees them mounted.
    if (Array.isArray(s.secrets) && s.secrets.length) ctx.profile.set(["prometheus", "secretMounts"], s.secrets.map(String), spec.where(["secrets"]));
    if (Array.isArray(s.configMaps) && s.configMaps.length) ctx.profile.set(["prometheus", "configMapMounts"], s.configMaps.map(String), spec.where(["configMaps"]));
    if (Array.isArray(s.additionalScrapeConfigs)) importScrapeConfigs(spec.sub(["additionalScrapeConfigs"]), ctx);
    else if (isMapping(s.additionalScrapeConfigs)) ctx.report.add(spec.where(["additionalScrapeConfigs"]), "scrape configs in a Secret: import that Secret's content with --prometheus");
    if (Array.isArray(s.remoteWrite)) s.remoteWrite.forEach((_, i) => importOperatorRemote(spec.sub(["remoteWrite", i]), ctx, "remoteWrite"));
    if (Array.isArray(s.remoteRead)) s.remoteRead.forEach((_, i) => importOperatorRemote(spec.sub(["remoteRead", i]), ctx, "remoteRead"));
    // The Operator writes a bare file name to an emptyDir at /var/log/prometheus; the chart to the data volume.
    for (const key of ["queryLogFile", "scrapeFailureLogFile"] as const) {
      const file = s[key];
      if (typeof file === "string" && file)
        ctx.profile.set(["prometheus", key], file, spec.where([key]), file.includes("/") ? undefined : `Written to /prometheus/${file} (the Operator writes /var/log/prometheus/${file}).`);
    }
    // The Operator's default is prometheus_replica; "" switches it off, as in promstack.
    if (typeof s.replicaExternalLabelName === "string")
      ctx.profile.set(["prometheus", "replicaExternalLabel"], s.replicaExternalLabelName, spec.where(["replicaExternalLabelName"]), "Dropped from alerts, so Alertmanager deduplicates the replicas' alerts.");
    if (Array.isArray(s.additionalAlertManagerConfigs)) importAlertmanagerConfigs(spec.sub(["additionalAlertManagerConfigs"]), ctx);
    if (isMapping(s.tsdb)) {
      if (typeof s.tsdb.outOfOrderTimeWindow === "string") ctx.profile.set(["prometheus", "tsdb", "outOfOrderTimeWindow"], s.tsdb.outOfOrderTimeWindow, spec.sub(["tsdb"]).where(["outOfOrderTimeWindow"]));
      unknownKeys(ctx, spec.sub(["tsdb"]), ["outOfOrderTimeWindow"], (key) => NO_EQUIVALENT(`prometheus.prometheusSpec.tsdb.${key}`));
    }
    if (typeof s.keepDroppedTargets === "number") ctx.profile.set(["prometheus", "keepDroppedTargets"], s.keepDroppedTargets, spec.where(["keepDroppedTargets"]));
    // The Operator's otlp fields are prometheus.otlp's.
    if (isMapping(s.otlp) && Object.keys(s.otlp).length) ctx.profile.set(["prometheus", "otlp"], s.otlp, spec.where(["otlp"]));
    if (isMapping(s.thanos)) importThanosSidecar(spec.sub(["thanos"]), ctx, typeof s.replicaExternalLabelName === "string");
    if (isMapping(s.image) && typeof s.image.registry === "string")
      ctx.report.add(spec.where(["image", "registry"]), "a registry for one component: promstack has global.imageRegistry for every image");
    unknownKeys(ctx, spec.sub(["image"]), ["registry"], (key) => NO_EQUIVALENT(`prometheus.prometheusSpec.image.${key}`));
    const known = [...handled, "retention", "retentionSize", "scrapeInterval", "scrapeTimeout", "evaluationInterval", "externalLabels", "additionalScrapeConfigs", "remoteWrite", "remoteRead", "queryLogFile", "scrapeFailureLogFile", "tsdb", "replicaExternalLabelName", "additionalAlertManagerConfigs", "image", "secrets", "configMaps", "thanos", "keepDroppedTargets", "otlp"];
    unknownKeys(ctx, spec, known, (key) => NO_EQUIVALENT(`prometheus.prometheusSpec.${key}`));
  }
  unknownKeys(ctx, src, ["enabled", "prometheusSpec"], (key) => NO_EQUIVALENT(`prometheus.${key}`));
}

/**
 * prometheusSpec.thanos: the Operator's Thanos sidecar. Its object storage config from an
 * existing Secret key becomes thanosSidecar.objectStorageSecret; an inline one holds
 * credentials and stays the user's to put in a Secret (nothing is written then).
 */
function importThanosSidecar(src: Src, ctx: ImportContext, replicaLabelSet: boolean): void {
  const value = src.value as Record<string, unknown>;
  const storage = isMapping(value.objectStorageConfig) ? value.objectStorageConfig : undefined;
  const existing = storage && isMapping(storage.existingSecret) ? storage.existingSecret : undefined;
  if (storage && !existing) {
    ctx.report.add(src.where(["objectStorageConfig"]), NO_EQUIVALENT(`${THANOS}.objectStorageConfig`));
    return;
  }
  ctx.profile.set(["prometheus", "thanosSidecar", "enabled"], true, src.where([]));
  if (existing) ctx.profile.set(["prometheus", "thanosSidecar", "objectStorageSecret"], { name: String(existing.name), key: String(existing.key) }, src.sub(["objectStorageConfig"]).where(["existingSecret"]));
  if (isMapping(value.resources) && Object.keys(value.resources).length) ctx.profile.set(["prometheus", "thanosSidecar", "resources"], value.resources, src.where(["resources"]));
  // The Operator labels every replica prometheus_replica unless told otherwise; the sidecar needs labels unique per replica.
  if (!replicaLabelSet) ctx.profile.set(["prometheus", "replicaExternalLabel"], "prometheus_replica", src.where([]), "The Operator's replica label, which the Thanos sidecar needs.");
  if (storage) unknownKeys(ctx, src.sub(["objectStorageConfig"]), ["existingSecret"], (key) => NO_EQUIVALENT(`${THANOS}.objectStorageConfig.${key}`));
  unknownKeys(ctx, src, ["objectStorageConfig", "resources"], (key) => NO_EQUIVALENT(`${THANOS}.${key}`));
}

const THANOS = "prometheus.prometheusSpec.thanos";

function importAlertmanagerSection(src: Src, ctx: ImportContext): void {
  const value = src.value as Record<string, unknown>;
  if (typeof value.enabled === "boolean") ctx.profile.set(["alertmanager", "enabled"], value.enabled, src.where(["enabled"]));
  if (isMapping(value.config)) importAlertmanager(src.sub(["config"]), ctx, true);
  if (isMapping(value.templateFiles))
    for (const [name, content] of Object.entries(value.templateFiles)) {
      const file = name.endsWith(".tmpl") ? name : `${name.replace(/[^A-Za-z0-9_.-]/g, "_")}.tmpl`;
      ctx.profile.set(["alertmanager", "templates", file], String(content), src.where(["templateFiles", name]));
    }
  if (isMapping(value.alertmanagerSpec)) {
    const spec = src.sub(["alertmanagerSpec"]);
    const s = value.alertmanagerSpec;
    const handled = importPodSpec(spec, ["alertmanager"], ctx, "storage");
    if (s.retention) ctx.profile.set(["alertmanager", "retention"], String(s.retention), spec.where(["retention"]));
    // The Operator mounts these at /etc/alertmanager/secrets/<name>/, as the chart does.
    if (Array.isArray(s.secrets) && s.secrets.length) ctx.profile.set(["alertmanager", "secretMounts"], s.secrets.map(String), spec.where(["secrets"]));
    if (isMapping(s.image) && typeof s.image.registry === "string")
      ctx.report.add(spec.where(["image", "registry"]), "a registry for one component: promstack has global.imageRegistry for every image");
    unknownKeys(ctx, spec.sub(["image"]), ["registry"], (key) => NO_EQUIVALENT(`alertmanager.alertmanagerSpec.image.${key}`));
    unknownKeys(ctx, spec, [...handled, "retention", "image", "secrets"], (key) => NO_EQUIVALENT(`alertmanager.alertmanagerSpec.${key}`));
  }
  unknownKeys(ctx, src, ["enabled", "config", "templateFiles", "alertmanagerSpec"], (key) => NO_EQUIVALENT(`alertmanager.${key}`));
}

/** The Operator's RemoteWriteSpec or RemoteReadSpec (camelCase, credentials as Secret key selectors) to prometheus.remoteWrite or remoteRead. */
function importOperatorRemote(src: Src, ctx: ImportContext, target: "remoteWrite" | "remoteRead"): void {
  const value = src.value;
  if (!isMapping(value)) return ctx.report.add(src.where(), `a ${target} entry must be a mapping`);
  const list = (ctx.profile.get(["prometheus", target]) as unknown[] | undefined) ?? [];
  const path: Path = ["prometheus", target, list.length];
  const out: Record<string, unknown> = {};
  const selector = (v: unknown) => (isMapping(v) && typeof v.name === "string" && typeof v.key === "string" ? { name: v.name, key: v.key } : undefined);
  for (const [key, field] of Object.entries(value)) {
    const where = src.where([key]);
    if (["url", "name", "remoteTimeout", "headers", "sendExemplars", "readRecent", "requiredMatchers", "filterExternalLabels"].includes(key)) out[key] = field;
    else if (key === "oauth2" && isMapping(field)) {
      // promstack takes the client id as text (it is no secret); the Operator may read it from a Secret or ConfigMap.
      const clientId = isMapping(field.clientId) ? undefined : field.clientId;
      if (typeof clientId !== "string") {
        ctx.report.add(src.where([key, "clientId"]), "a client id read from a Secret or ConfigMap: promstack takes oauth2.clientId as text");
        continue;
      }
      out.oauth2 = { clientId, clientSecretSecret: selector(field.clientSecret), tokenUrl: field.tokenUrl, ...(field.scopes ? { scopes: field.scopes } : {}), ...(field.endpointParams ? { endpointParams: field.endpointParams } : {}) };
      unknownKeys(ctx, src.sub([key]), ["clientId", "clientSecret", "tokenUrl", "scopes", "endpointParams"], (k) => `oauth2.${k} has no promstack equivalent`);
    } else if (key === "sigv4" && isMapping(field)) {
      // The Operator passes access keys as environment variables; promstack takes one AWS credentials file from a Secret.
      if (field.accessKey !== undefined || field.secretKey !== undefined) {
        ctx.report.add(src.where([key]), "sigv4 accessKey/secretKey: put them in an AWS shared credentials file in a Secret and name it with sigv4.credentialsSecret");
        continue;
      }
      out.sigv4 = Object.fromEntries(Object.entries(field).filter(([k]) => ["region", "profile", "roleArn"].includes(k)));
      unknownKeys(ctx, src.sub([key]), ["region", "profile", "roleArn"], (k) => `sigv4.${k} has no promstack equivalent`);
    }
    else if (key === "writeRelabelConfigs" && Array.isArray(field))
      out.writeRelabelings = field.map((rule) => (isMapping(rule) && typeof rule.action === "string" ? { ...rule, action: rule.action.toLowerCase() } : rule));
    else if (key === "queueConfig") out.queue = field;
    else if (key === "basicAuth" && isMapping(field)) out.basicAuth = { usernameSecret: selector(field.username), passwordSecret: selector(field.password) };
    else if (key === "authorization" && isMapping(field) && selector(field.credentials)) out.bearerTokenSecret = selector(field.credentials);
    else if (key === "tlsConfig" && isMapping(field)) {
      const tls: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(field)) {
        if ((k === "ca" || k === "cert") && isMapping(v) && selector(v.secret)) tls[`${k}Secret`] = selector(v.secret);
        else if (k === "keySecret" && selector(v)) tls.keySecret = selector(v);
        else tls[k] = v;
      }
      out.tls = tls;
    } else {
      out[key] = field;
    }
    ctx.profile.note([...path, key === "writeRelabelConfigs" ? "writeRelabelings" : key === "queueConfig" ? "queue" : key === "tlsConfig" ? "tls" : key === "authorization" ? "bearerTokenSecret" : key], where);
  }
  ctx.profile.set(path, out, src.where(), `From the Operator's ${target} (credentials were already Secret keys).`);
}

/** defaultRules.disabled names kube-prometheus-stack alerts; a built-in pack alert of the same name is switched off. */
function importDefaultRules(src: Src, ctx: ImportContext, packAlerts: Map<string, string>): void {
  const value = src.value as Record<string, unknown>;
  if (isMapping(value.disabled)) {
    const disabled = src.sub(["disabled"]);
    for (const [alert, off] of Object.entries(value.disabled)) {
      if (off !== true) continue;
      const pack = packAlerts.get(alert);
      if (pack) ctx.profile.set(["rules", pack, alert, "enabled"], false, disabled.where([alert]), `defaultRules.disabled.${alert}: promstack's ${pack} pack has an alert of that name.`);
      else ctx.report.add(disabled.where([alert]), "no built-in promstack alert of that name (kube-prometheus-stack's default rules are not promstack's packs)");
    }
  }
  unknownKeys(ctx, src, ["disabled"], (key) => `defaultRules.${key}: kube-prometheus-stack's default rules are not promstack's packs; switch packs off with rules.<pack>.enabled`);
}

