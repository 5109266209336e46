// The topology part of a fidelity table (free-form keys named after what they hold, see
// test/fidelity/README.md), checked on the rendered chart. Each key the tables use has an
// entry here: a check of rendered objects, a "pending" reason naming the chart feature that is
// missing (decided from the schemas and templates as they are, so the check starts to run the
// day the feature lands), or, for keys that describe the team's environment rather than the
// stack, a note saying so. A key without an entry fails, so a new table key is never ignored.
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { durationSeconds } from "../../generator/src/duration.js";
import { levelFor } from "../../receiver/src/levels.js";
import { resolveConfig } from "../../receiver/src/config.js";
import type { FidelityTable } from "./fidelity.js";
import { RELEASE, type K8sObject } from "./render.js";
import { argValue, byteSize, mainContainer, quantity, type Container, type RenderedStack, type Workload } from "./rendered-stack.js";
import { repoRoot } from "./tools.js";

export interface TopologyEntry {
  path: string;
  value: unknown;
  /** Why the chart cannot be checked for this key yet (a missing chart feature). */
  pending?: string;
  /** Why this key is not a property of the rendered chart at all. */
  context?: string;
}

type Check = (stack: RenderedStack, value: any, table: FidelityTable) => void;
interface Rule {
  check?: Check;
  /** Returns the missing chart feature when the chart cannot express the value yet. */
  pending?: (value: any) => string | undefined;
  context?: string;
}

// --- What the chart can express, read from its contract and templates -----------------------
const schema = (name: string): Record<string, any> => JSON.parse(readFileSync(join(repoRoot, "schemas", `${name}.schema.json`), "utf8")) as Record<string, any>;
const schemaKeys = (name: string): string[] => Object.keys(schema(name).properties ?? {});
/** Every property name a schema defines at any depth (its definitions included). */
function allSchemaKeys(name: string): Set<string> {
  const keys = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== "object" || node === null) return;
    const obj = node as Record<string, unknown>;
    if (typeof obj.properties === "object" && obj.properties !== null) for (const key of Object.keys(obj.properties)) keys.add(key);
    Object.values(obj).forEach(walk);
  };
  walk(schema(name));
  return keys;
}
const SCHEMAS = ["promstack", "prometheus", "alertmanager", "alert-receiver", "exporters", "grafana", "network-policies"];
function templateKinds(): Set<string> {
  const kinds = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else for (const match of readFileSync(join(dir, entry.name), "utf8").matchAll(/^kind:\s*(\w+)/gm)) kinds.add(match[1]!);
    }
  };
  walk(join(repoRoot, "generator", "assets", "charts"));
  return kinds;
}
const chartKinds = templateKinds();

// --- Rendered facts -----------------------------------------------------------------------------
const podLabels = (w: Workload): Record<string, string> => (w.object as any).spec.template.metadata?.labels ?? {};
const selectorMatches = (selector: { matchLabels?: Record<string, string>; matchExpressions?: Array<{ key: string; operator: string; values?: string[] }> } | undefined, labels: Record<string, string>): boolean =>
  selector !== undefined &&
  Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
  (selector.matchExpressions ?? []).every((e) => {
    const has = e.key in labels;
    switch (e.operator) {
      case "In": return has && (e.values ?? []).includes(labels[e.key]!);
      case "NotIn": return !has || !(e.values ?? []).includes(labels[e.key]!);
      case "Exists": return has;
      case "DoesNotExist": return !has;
      default: return false;
    }
  });

function dataClaim(w: Workload): Record<string, any> {
  const templates = ((w.object as any).spec.volumeClaimTemplates ?? []) as Array<Record<string, any>>;
  expect(templates.length, `${w.kind}/${w.name} has a volume claim template`).to.be.greaterThan(0);
  return templates[0]!.spec;
}

function storageOf(stack: RenderedStack, component: string): { size: number; text: string; className: string | undefined } {
  const w = stack.workload(component);
  let spec: Record<string, any> | undefined;
  if (w.kind === "StatefulSet" && ((w.object as any).spec.volumeClaimTemplates ?? []).length > 0) spec = dataClaim(w);
  else {
    const claimName = ((w.spec.volumes ?? []) as Array<Record<string, any>>).find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim.claimName as string | undefined;
    expect(claimName, `${w.kind}/${w.name} mounts a PersistentVolumeClaim`).to.be.a("string");
    spec = (stack.find("PersistentVolumeClaim", claimName!) as any).spec;
  }
  const text = String(spec!.resources.requests.storage);
  return { size: quantity(text), text, className: spec!.storageClassName };
}

function hasPort(container: Container, port: number, protocol = "TCP"): boolean {
  return ((container.ports ?? []) as Array<{ containerPort: number; protocol?: string }>).some((p) => p.containerPort === port && (p.protocol ?? "TCP") === protocol);
}

function prometheusConfigOf(stack: RenderedStack): Record<string, any> {
  const config = stack.prometheusConfig;
  expect(config, "the chart deploys a Prometheus (prometheus.yml)").to.not.equal(undefined);
  return config!;
}

const jobNames = (stack: RenderedStack): string[] => ((prometheusConfigOf(stack).scrape_configs ?? []) as Array<{ job_name: string }>).map((j) => j.job_name);

function ingressOf(stack: RenderedStack, ui: string): Record<string, any> {
  const ingress = stack.objects.find((o) => o.kind === "Ingress" && o.metadata.name === `${RELEASE}-${ui}`);
  expect(ingress, `Ingress ${RELEASE}-${ui} (Ingresses: ${stack.objects.filter((o) => o.kind === "Ingress").map((o) => o.metadata.name).join(", ") || "none"})`).to.not.equal(undefined);
  return ingress as Record<string, any>;
}

const hasIngressKey = (component: string) => schemaKeys(component).includes("ingress");
const uisWithoutIngress = (uis: string[]) => uis.filter((ui) => !["prometheus", "alertmanager", "grafana"].includes(ui) || !hasIngressKey(ui));

function memoryTotals(stack: RenderedStack, nodes: number): { requests: number; limits: number; lines: string[] } {
  let requests = 0;
  let limits = 0;
  const lines: string[] = [];
  for (const w of stack.workloads) {
    const copies = w.kind === "DaemonSet" ? nodes : w.replicas;
    for (const c of [...(w.spec.containers ?? []), ...(w.spec.initContainers ?? [])] as Container[]) {
      const request = c.resources?.requests?.memory;
      const limit = c.resources?.limits?.memory;
      expect(limit, `${w.kind}/${w.name} container ${c.name} has a memory limit`).to.not.equal(undefined);
      // Init containers run before the others; counting them too over-estimates, which is safe.
      requests += copies * (request === undefined ? 0 : quantity(request));
      limits += copies * quantity(limit);
      lines.push(`${w.name}/${c.name} x${copies}: ${request ?? "-"} / ${limit}`);
    }
  }
  return { requests, limits, lines };
}

function resourcesCheck(component: string): Check {
  return (stack, value: { cpu?: string; memory?: string }) => {
    const requests = mainContainer(stack.workload(component)).resources?.requests ?? {};
    if (value.cpu !== undefined) expect(quantity(requests.cpu ?? "0"), `${component} cpu request ${requests.cpu}`).to.equal(quantity(value.cpu));
    if (value.memory !== undefined) expect(quantity(requests.memory ?? "0"), `${component} memory request ${requests.memory}`).to.equal(quantity(value.memory));
  };
}

const replicasCheck = (component: string): Check => (stack, value: number) => expect(stack.workload(component).replicas, `${component} replicas`).to.equal(value);
const kindCheck = (component: string): Check => (stack, value: string) => expect(stack.workload(component).kind, `${component} kind`).to.equal(value);
const portCheck = (component: string): Check => (stack, value: number) => expect(hasPort(mainContainer(stack.workload(component)), value), `${component} listens on ${value}/TCP`).to.equal(true);
const storageSizeCheck = (component: string): Check => (stack, value: string) => {
  const storage = storageOf(stack, component);
  expect(storage.size, `${component} volume ${storage.text}, the document says ${value}`).to.equal(quantity(value));
};

// Exporters the tables name, and how the chart would deploy each (the workload name contains the keyword).
// RabbitMQ's plugin runs inside RabbitMQ: the chart adds a scrape job, not a workload.
const EXPORTERS: Record<string, { keyword: string; schemaKey: RegExp; feature: string; scrapeJob?: string }> = {
  "node-exporter": { keyword: "node-exporter", schemaKey: /^nodeExporter$/, feature: "exporters.nodeExporter" },
  "kube-state-metrics": { keyword: "kube-state-metrics", schemaKey: /^kubeStateMetrics$/, feature: "exporters.kubeStateMetrics" },
  "postgres-exporter": { keyword: "postgres", schemaKey: /postgres/i, feature: "a PostgreSQL exporter in the exporters subchart" },
  "redis-exporter": { keyword: "redis", schemaKey: /redis/i, feature: "a Redis exporter in the exporters subchart" },
  "rabbitmq-prometheus": { keyword: "rabbitmq", schemaKey: /rabbitmq/i, feature: "a RabbitMQ scrape target (rabbitmq_prometheus plugin) in the exporters subchart", scrapeJob: "rabbitmq" },
};

const RULES: Record<string, Rule> = {
  // --- mode, architectures, labels ------------------------------------------------------------
  mode: {
    check: (stack, value: string) => {
      const prometheus = stack.hasWorkload("prometheus");
      const operatorRules = stack.objects.some((o) => o.kind === "PrometheusRule");
      if (value === "standalone") {
        expect(prometheus, "standalone: the chart deploys Prometheus").to.equal(true);
        expect(operatorRules, "standalone: rules go to the rules ConfigMap, not a PrometheusRule").to.equal(false);
      } else {
        expect(prometheus, "operator: the chart deploys no Prometheus of its own").to.equal(false);
        expect(operatorRules, "operator: the rules are a PrometheusRule").to.equal(true);
      }
    },
  },
  architectures: {
    check: (stack, value: string[]) => {
      for (const w of stack.workloads) {
        const terms = (w.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) as Array<{ matchExpressions?: Array<{ key: string; values: string[] }> }>;
        const arch = terms.flatMap((t) => t.matchExpressions ?? []).find((e) => e.key === "kubernetes.io/arch");
        expect([...(arch?.values ?? [])].sort(), `${w.kind}/${w.name}: node affinity kubernetes.io/arch`).to.deep.equal([...value].sort());
      }
    },
  },
  commonLabels: {
    check: (stack, value: Record<string, string>) => {
      const missing = stack.objects.filter((o) => Object.entries(value).some(([k, v]) => o.metadata.labels?.[k] !== v)).map((o) => `${o.kind}/${o.metadata.name}`);
      expect(missing, `objects without the labels ${JSON.stringify(value)}`).to.deep.equal([]);
    },
  },

  // --- Prometheus ------------------------------------------------------------------------------
  "prometheus.replicas": { check: replicasCheck("prometheus") },
  "prometheus.kind": { check: kindCheck("prometheus") },
  "prometheus.port": { check: portCheck("prometheus") },
  "prometheus.resources": { check: resourcesCheck("prometheus") },
  "prometheus.scrapeInterval": {
    check: (stack, value: string) => expect(durationSeconds(prometheusConfigOf(stack).global?.scrape_interval ?? "1m"), "global.scrape_interval").to.equal(durationSeconds(value)),
  },
  "prometheus.evaluationInterval": {
    check: (stack, value: string) => expect(durationSeconds(prometheusConfigOf(stack).global?.evaluation_interval ?? "1m"), "global.evaluation_interval").to.equal(durationSeconds(value)),
  },
  "prometheus.externalLabels": {
    check: (stack, value: Record<string, string>) => {
      const rendered = prometheusConfigOf(stack).global?.external_labels ?? {};
      for (const [k, v] of Object.entries(value)) expect(rendered[k], `external label ${k}`).to.equal(v);
    },
  },
  "prometheus.retentionTime": {
    check: (stack, value: string) => {
      const arg = argValue(mainContainer(stack.workload("prometheus")), "storage.tsdb.retention.time");
      expect(arg, "--storage.tsdb.retention.time").to.be.a("string");
      expect(durationSeconds(arg!), `--storage.tsdb.retention.time=${arg}`).to.equal(durationSeconds(value));
    },
  },
  "prometheus.retentionSize": {
    check: (stack, value: string) => {
      const arg = argValue(mainContainer(stack.workload("prometheus")), "storage.tsdb.retention.size");
      expect(arg, "--storage.tsdb.retention.size").to.be.a("string");
      expect(byteSize(arg!), `--storage.tsdb.retention.size=${arg}`).to.equal(byteSize(value));
    },
  },
  "prometheus.storageSize": { check: storageSizeCheck("prometheus") },
  "prometheus.storageSizeMin": {
    check: (stack, value: string) => {
      const storage = storageOf(stack, "prometheus");
      expect(storage.size, `prometheus volume ${storage.text} is at least ${value}`).to.be.at.least(quantity(value));
    },
  },
  "prometheus.scrapeJobs": { check: (stack, value: string[]) => expect(jobNames(stack), "scrape jobs").to.include.members(value) },
  "prometheus.serviceDiscovery": {
    check: (stack, value: string) => {
      const role = value.replace(/^kubernetes-/, "").replace(/s$/, "");
      const roles = ((prometheusConfigOf(stack).scrape_configs ?? []) as Array<{ kubernetes_sd_configs?: Array<{ role: string }> }>).flatMap((j) => (j.kubernetes_sd_configs ?? []).map((sd) => sd.role));
      expect(roles, "kubernetes_sd_configs roles").to.include(role);
    },
  },
  "prometheus.rbac": {
    check: (stack, value: { resources: string[]; verbs: string[] }) => {
      const account = (stack.workload("prometheus").spec.serviceAccountName as string | undefined) ?? "default";
      const roleNames = stack.objects
        .filter((o) => o.kind === "ClusterRoleBinding" && ((o as any).subjects ?? []).some((s: { kind: string; name: string }) => s.kind === "ServiceAccount" && s.name === account))
        .map((o) => (o as any).roleRef.name as string);
      const rules = stack.objects.filter((o) => o.kind === "ClusterRole" && roleNames.includes(o.metadata.name)).flatMap((o) => ((o as any).rules ?? []) as Array<{ resources?: string[]; verbs: string[] }>);
      const missing = value.resources.flatMap((resource) => value.verbs.filter((verb) => !rules.some((r) => (r.resources ?? []).includes(resource) && (r.verbs.includes(verb) || r.verbs.includes("*")))).map((verb) => `${verb} ${resource}`));
      expect(missing, `permissions of ServiceAccount ${account} (ClusterRoles ${roleNames.join(", ")})`).to.deep.equal([]);
    },
  },

  // --- Alertmanager ----------------------------------------------------------------------------
  "alertmanager.replicas": { check: replicasCheck("alertmanager") },
  "alertmanager.kind": { check: kindCheck("alertmanager") },
  "alertmanager.port": { check: portCheck("alertmanager") },
  "alertmanager.webPort": { check: portCheck("alertmanager") },
  "alertmanager.resources": { check: resourcesCheck("alertmanager") },
  "alertmanager.storageSize": { check: storageSizeCheck("alertmanager") },
  "alertmanager.storageClass": {
    check: (stack, value: string) => expect(storageOf(stack, "alertmanager").className, "alertmanager storageClassName").to.equal(value),
  },
  "alertmanager.gossipPort": {
    check: (stack, value: number) => {
      const container = mainContainer(stack.workload("alertmanager"));
      expect(hasPort(container, value, "TCP") && hasPort(container, value, "UDP"), `gossip on ${value} over TCP and UDP`).to.equal(true);
      expect(argValue(container, "cluster.listen-address"), "--cluster.listen-address").to.match(new RegExp(`:${value}$`));
    },
  },
  "alertmanager.gossipProtocols": {
    check: (stack, value: string[], table) => {
      const port = ((table.topology.alertmanager as Record<string, unknown> | undefined)?.gossipPort as number | undefined) ?? 9094;
      for (const protocol of value) expect(hasPort(mainContainer(stack.workload("alertmanager")), port, protocol), `gossip port ${port}/${protocol}`).to.equal(true);
    },
  },
  "alertmanager.expectedPeers": {
    check: (stack, value: number) => {
      const w = stack.workload("alertmanager");
      const peers = ((mainContainer(w).args ?? []) as string[]).filter((a) => a.startsWith("--cluster.peer="));
      expect(peers.length, `--cluster.peer arguments: ${peers.join(" ")}`).to.equal(value);
      expect(w.replicas, "alertmanager replicas").to.equal(value);
    },
  },
  "alertmanager.retentionTime": {
    check: (stack, value: string) => {
      const arg = argValue(mainContainer(stack.workload("alertmanager")), "data.retention");
      expect(durationSeconds(arg ?? "120h"), `--data.retention=${arg ?? "(Alertmanager's default 120h)"}`).to.equal(durationSeconds(value));
    },
  },
  "alertmanager.silencesPersisted": {
    check: (stack, value: boolean) => {
      const w = stack.workload("alertmanager");
      const claims = (((w.object as any).spec.volumeClaimTemplates ?? []) as Array<{ metadata: { name: string } }>).map((t) => t.metadata.name);
      const storagePath = argValue(mainContainer(w), "storage.path");
      const persisted = ((mainContainer(w).volumeMounts ?? []) as Array<{ name: string; mountPath: string }>).some((m) => claims.includes(m.name) && m.mountPath === storagePath);
      expect(persisted, `--storage.path=${storagePath} on a persistent volume claim`).to.equal(value);
    },
  },
  "alertmanager.antiAffinity": {
    check: (stack, value: string) => {
      expect(value, "the only anti-affinity the tables name").to.equal("spread-across-nodes");
      const w = stack.workload("alertmanager");
      const anti = w.spec.affinity?.podAntiAffinity ?? {};
      const terms = [...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? []), ...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: { podAffinityTerm: unknown }) => p.podAffinityTerm)] as Array<{ topologyKey: string; labelSelector: any }>;
      const spreads = terms.some((t) => t.topologyKey === "kubernetes.io/hostname" && selectorMatches(t.labelSelector, podLabels(w)));
      expect(spreads, `pod anti-affinity of its own pods over kubernetes.io/hostname: ${JSON.stringify(anti)}`).to.equal(true);
    },
  },
  "alertmanager.podDisruptionBudget": {
    check: (stack, value: { minAvailable?: number; maxUnavailable?: number }) => {
      const w = stack.workload("alertmanager");
      const pdb = stack.objects.find((o) => o.kind === "PodDisruptionBudget" && selectorMatches((o as any).spec.selector, podLabels(w))) as any;
      expect(pdb, "a PodDisruptionBudget selecting the Alertmanager pods").to.not.equal(undefined);
      if (value.minAvailable !== undefined) expect(pdb.spec.minAvailable, "minAvailable").to.equal(value.minAvailable);
      if (value.maxUnavailable !== undefined) expect(pdb.spec.maxUnavailable, "maxUnavailable").to.equal(value.maxUnavailable);
    },
  },
  notificationTemplates: {
    check: (stack, value: string[]) => {
      const configMap = stack.find("ConfigMap", `${RELEASE}-alertmanager`) as any;
      expect(Object.keys(configMap.data ?? {}), `files of ConfigMap ${RELEASE}-alertmanager`).to.include.members(value);
      const globs = (stack.alertmanagerConfig.templates ?? []) as string[];
      for (const file of value) expect(globs.some((g) => new RegExp(`^${g.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join("[^/]*")}$`).test(`/etc/alertmanager/config/${file}`)), `${file} is loaded by templates: ${globs.join(", ")}`).to.equal(true);
    },
  },
  credentialsSecret: {
    check: (stack, value: string) => {
      const secrets = ((stack.workload("alertmanager").spec.volumes ?? []) as Array<{ secret?: { secretName: string } }>).flatMap((v) => (v.secret ? [v.secret.secretName] : []));
      expect(secrets, "Secrets mounted by Alertmanager").to.include(value);
    },
  },
  "smtp.smarthost": { check: (stack, value: string) => expect(stack.alertmanagerConfig.global?.smtp_smarthost, "global.smtp_smarthost").to.equal(value) },
  "smtp.authUsername": { check: (stack, value: string) => expect(stack.alertmanagerConfig.global?.smtp_auth_username, "global.smtp_auth_username").to.equal(value) },

  // --- Grafana ---------------------------------------------------------------------------------
  "grafana.enabled": { check: (stack, value: boolean) => expect(stack.hasWorkload("grafana"), "Grafana deployed").to.equal(value) },
  "grafana.port": { check: portCheck("grafana") },
  "grafana.resources": { check: resourcesCheck("grafana") },
  "grafana.storageSize": { check: storageSizeCheck("grafana") },
  "grafana.dashboardsConfigMap": {
    pending: () => (allSchemaKeys("grafana").has("configMapName") ? undefined : `the chart names dashboard ConfigMaps ${RELEASE}-grafana-dashboard-<dashboard>; grafana.dashboards has no key to name one`),
    check: (stack, value: string) => {
      const configMap = stack.objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === value) as (K8sObject & { data?: Record<string, string> }) | undefined;
      expect(configMap, `ConfigMap ${value} (ConfigMaps: ${stack.objects.filter((o) => o.kind === "ConfigMap").map((o) => o.metadata.name).join(", ")})`).to.not.equal(undefined);
      const dashboards = Object.entries(configMap!.data ?? {}).filter(([key]) => key.endsWith(".json")).map(([, text]) => (JSON.parse(text) as { title?: string }).title);
      expect(dashboards.length, `dashboard JSON in ConfigMap ${value}`).to.be.greaterThan(0);
      if (stack.hasWorkload("grafana")) {
        const volumes = (stack.workload("grafana").spec.volumes ?? []) as Array<{ configMap?: { name: string }; projected?: { sources: Array<{ configMap?: { name: string } }> } }>;
        const mounted = volumes.flatMap((v) => [v.configMap?.name, ...(v.projected?.sources ?? []).map((source) => source.configMap?.name)]);
        expect(mounted, "ConfigMaps Grafana mounts").to.include(value);
      }
    },
  },

  // --- Exporters and scrape targets ----------------------------------------------------------------
  exporters: {
    pending: (value: string[]) => {
      const keys = schemaKeys("exporters");
      const missing = value.filter((name) => !EXPORTERS[name] || !keys.some((k) => EXPORTERS[name]!.schemaKey.test(k)));
      return missing.length > 0 ? `no chart key for ${missing.map((m) => EXPORTERS[m]?.feature ?? m).join("; ")}` : undefined;
    },
    check: (stack, value: string[]) => {
      for (const name of value) {
        const { keyword, scrapeJob } = EXPORTERS[name]!;
        if (scrapeJob) {
          // The stack's own jobs, read by Prometheus through scrape_config_files.
          const file = (stack.objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === `${RELEASE}-promstack-scrape`) as { data?: Record<string, string> } | undefined)?.data?.["promstack.yaml"];
          const jobs = ((file ? (parse(file) as { scrape_configs?: Array<{ job_name: string }> }).scrape_configs : undefined) ?? []).map((j) => j.job_name);
          expect(jobs, `the stack's scrape jobs (for ${name})`).to.include(scrapeJob);
          continue;
        }
        expect(stack.workloads.some((w) => w.name.includes(keyword)), `a workload for ${name} among ${stack.workloads.map((w) => w.name).join(", ")}`).to.equal(true);
      }
    },
  },
  scrapeTargets: { check: (stack, value: string[]) => expect(jobNames(stack), "scrape jobs").to.include.members(value) },

  // --- Network policies ------------------------------------------------------------------------------
  "networkPolicies.prometheusIngress": {
    check: (stack, value: Array<{ fromNamespaceLabels: Record<string, string>; port: number; protocol: string }>) => {
      const w = stack.workload("prometheus");
      for (const rule of value) {
        const namespaceLabels = { ...rule.fromNamespaceLabels, "kubernetes.io/metadata.name": rule.fromNamespaceLabels.name ?? "" };
        const allowed = policiesFor(stack, podLabels(w)).some((p) => (p.spec.ingress ?? []).some((i: any) =>
          portAllowed(i.ports, rule.port, rule.protocol) && (i.from ?? []).some((peer: any) => peer.namespaceSelector && !peer.podSelector && selectorMatches(peer.namespaceSelector, namespaceLabels))));
        expect(allowed, `ingress to Prometheus ${rule.port}/${rule.protocol} from namespaces labelled ${JSON.stringify(rule.fromNamespaceLabels)}`).to.equal(true);
      }
    },
  },
  "networkPolicies.alertmanagerIngress": {
    check: (stack, value: Array<{ from: string; port: number; protocol: string }>) => {
      const w = stack.workload("alertmanager");
      const peerLabels: Record<string, () => Record<string, string>> = {
        prometheus: () => podLabels(stack.workload("prometheus")),
        "alertmanager-peers": () => podLabels(w),
      };
      for (const rule of value) {
        const allowed = policiesFor(stack, podLabels(w)).some((p) => (p.spec.ingress ?? []).some((i: any) => portAllowed(i.ports, rule.port, rule.protocol) && (i.from ?? []).some((peer: any) =>
          peerLabels[rule.from] ? peer.podSelector && !peer.namespaceSelector && selectorMatches(peer.podSelector, peerLabels[rule.from]!()) : peer.namespaceSelector !== undefined)));
        expect(allowed, `ingress to Alertmanager ${rule.port}/${rule.protocol} from ${rule.from}`).to.equal(true);
      }
    },
  },
  "networkPolicies.alertmanagerEgress": {
    pending: () => (schemaKeys("network-policies").some((k) => /egress/i.test(k)) ? undefined : "the network-policies subchart renders ingress rules only: no egress policy key"),
    check: (stack, value: Array<{ to: string; port: number; protocol: string | string[] }>) => {
      const w = stack.workload("alertmanager");
      const policies = policiesFor(stack, podLabels(w)).filter((p) => (p.spec.policyTypes ?? []).includes("Egress"));
      expect(policies.length, "an egress policy for Alertmanager").to.be.greaterThan(0);
      for (const rule of value) {
        for (const protocol of Array.isArray(rule.protocol) ? rule.protocol : [rule.protocol]) {
          const allowed = policies.some((p) => (p.spec.egress ?? []).some((e: any) => portAllowed(e.ports, rule.port, protocol)));
          expect(allowed, `egress from Alertmanager to ${rule.to} ${rule.port}/${protocol}`).to.equal(true);
        }
      }
    },
  },

  // --- Ingress ----------------------------------------------------------------------------------------
  "ingress.className": {
    check: (stack, value: string) => {
      const ingresses = stack.objects.filter((o) => o.kind === "Ingress") as any[];
      expect(ingresses.length, "the chart renders Ingresses").to.be.greaterThan(0);
      for (const i of ingresses) expect(i.spec.ingressClassName, `Ingress ${i.metadata.name} class`).to.equal(value);
    },
  },
  "ingress.uis": {
    pending: (value: string[]) => (uisWithoutIngress(value).length > 0 ? `no ingress key for ${uisWithoutIngress(value).join(", ")}` : undefined),
    check: (stack, value: string[]) => value.forEach((ui) => ingressOf(stack, ui)),
  },
  "ingress.hosts": {
    pending: (value: Record<string, string>) => (uisWithoutIngress(Object.keys(value)).length > 0 ? `no ingress key for ${uisWithoutIngress(Object.keys(value)).join(", ")}` : undefined),
    check: (stack, value: Record<string, string>) => {
      for (const [ui, host] of Object.entries(value)) expect(((ingressOf(stack, ui).spec.rules ?? []) as Array<{ host: string }>).map((r) => r.host), `hosts of the ${ui} Ingress`).to.include(host);
    },
  },
  "ingress.tls": {
    check: (stack, value: string) => {
      const ingresses = stack.objects.filter((o) => o.kind === "Ingress") as any[];
      expect(ingresses.length, "the chart renders Ingresses").to.be.greaterThan(0);
      for (const i of ingresses) {
        expect((i.spec.tls ?? []).length, `Ingress ${i.metadata.name} has TLS`).to.be.greaterThan(0);
        if (value === "cert-manager") expect(Object.keys(i.metadata.annotations ?? {}).some((a) => /^cert-manager\.io\/(cluster-)?issuer$/.test(a)), `Ingress ${i.metadata.name} asks cert-manager for its certificate`).to.equal(true);
      }
    },
  },
  "ingress.basicAuth": {
    check: (stack, value: string[]) => {
      for (const ui of value) expect(ingressOf(stack, ui).metadata.annotations?.["nginx.ingress.kubernetes.io/auth-type"], `basic auth on the ${ui} Ingress`).to.equal("basic");
    },
  },
  "ingress.nodePort": {
    pending: (value: number) => (SCHEMAS.some((name) => allSchemaKeys(name).has("nodePort")) ? undefined : `the chart deploys no ingress controller and has no nodePort key for the entry point (${value})`),
    check: (stack, value: number) => {
      const nodePorts = stack.objects.filter((o) => o.kind === "Service").flatMap((o) => (((o as any).spec?.ports ?? []) as Array<{ nodePort?: number }>).map((p) => p.nodePort));
      expect(nodePorts, "nodePorts of the rendered Services").to.include(value);
    },
  },
  namespaces: {
    pending: (value: Record<string, string>) => {
      const missing = Object.keys(value).filter((component) => !(SCHEMAS.includes(component) && schemaKeys(component).includes("namespace")));
      return missing.length > 0 ? `the chart installs every component into the release namespace; no namespace key for ${missing.join(", ")}` : undefined;
    },
    check: (stack, value: Record<string, string>) => {
      for (const [component, namespace] of Object.entries(value)) {
        const w = stack.workload(component);
        expect((w.object.metadata as { namespace?: string }).namespace, `${w.kind}/${w.name} namespace`).to.equal(namespace);
      }
    },
  },

  // --- Pod security -------------------------------------------------------------------------------------
  "podSecurity.runAsNonRoot": { check: podSecurityCheck("runAsNonRoot", (pod, c) => c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot) },
  // One uid for every container, or a map from component (workload <release>-<component>) to uid with "*" for the rest.
  "podSecurity.runAsUser": {
    check: (stack, value: number | Record<string, number>) => {
      const wrong: string[] = [];
      for (const w of stack.workloads) for (const c of w.spec.containers as Container[]) {
        const expected = typeof value === "number" ? value : value[w.name.slice(RELEASE.length + 1)] ?? value["*"];
        const actual = c.securityContext?.runAsUser ?? w.spec.securityContext?.runAsUser;
        if (actual !== expected) wrong.push(`${w.name}/${c.name}: ${JSON.stringify(actual)}, not ${String(expected)}`);
      }
      expect(wrong, "containers whose runAsUser differs").to.deep.equal([]);
    },
  },
  "podSecurity.readOnlyRootFilesystem": { check: podSecurityCheck("readOnlyRootFilesystem", (_pod, c) => c.securityContext?.readOnlyRootFilesystem) },
  "podSecurity.capabilitiesDrop": {
    check: (stack, value: string[]) => {
      for (const w of stack.workloads) for (const c of w.spec.containers as Container[]) expect(c.securityContext?.capabilities?.drop ?? [], `${w.name}/${c.name} drops`).to.include.members(value);
    },
  },
  "podSecurity.seccompProfile": { check: podSecurityCheck("seccompProfile", (pod, c) => (c.securityContext?.seccompProfile ?? pod.securityContext?.seccompProfile)?.type) },

  // --- The alert receiver (raspberry-pi) ----------------------------------------------------------------
  "alertReceiver.service": {
    pending: (value: string) => (["fullnameOverride", "serviceName"].some((key) => allSchemaKeys("alert-receiver").has(key)) ? undefined : `the alert-receiver Service is named ${RELEASE}-alert-receiver; the chart has no key to name it ${value}`),
    check: (stack, value: string) => {
      const service = stack.objects.find((o) => o.kind === "Service" && o.metadata.name === value) as any;
      expect(service, `Service ${value} (Services: ${stack.objects.filter((o) => o.kind === "Service").map((o) => o.metadata.name).join(", ")})`).to.not.equal(undefined);
      expect(selectorMatches({ matchLabels: service.spec.selector }, podLabels(stack.workload("alert-receiver"))), `Service ${value} selects the alert receiver's pods`).to.equal(true);
    },
  },
  "alertReceiver.paths": {
    check: (stack, value: string[]) => expect(Object.keys(receiverRoutes(stack)), "paths the bundled receiver serves").to.include.members(value),
  },
  "alertReceiver.logFormat": {
    check: (stack, value: string) => {
      expect(value, "the receiver writes one JSON line per alert; that is the only format").to.equal("json");
      expect(stack.hasWorkload("alert-receiver"), "the bundled alert receiver is deployed").to.equal(true);
    },
  },
  "alertReceiver.logLevels": {
    check: (stack, value: { firing?: string; firingCritical?: string; resolved?: string }) => {
      const routes = receiverRoutes(stack);
      if (value.firing) expect(levelFor(routes["/webhook"]?.levels, "firing", "warning"), "/webhook: a firing warning").to.equal(value.firing);
      if (value.firingCritical) expect(levelFor(routes["/webhook/critical"]?.levels, "firing", "critical"), "/webhook/critical: a firing alert").to.equal(value.firingCritical);
      if (value.resolved) for (const [path, route] of Object.entries(routes)) expect(levelFor(route.levels, "resolved", "warning"), `${path}: a resolved alert`).to.equal(value.resolved);
    },
  },

  // --- Budgets (ours, see the table's notes) ---------------------------------------------------------------
  resourceBudget: {
    check: (stack, value: { memoryRequestsMax?: string; memoryLimitsMax?: string }, table) => {
      const nodes = Array.isArray(table.topology.nodes) ? table.topology.nodes.length : 1;
      const totals = memoryTotals(stack, nodes);
      const mi = (bytes: number) => `${Math.round(bytes / 2 ** 20)}Mi`;
      if (value.memoryRequestsMax) expect(totals.requests, `memory requests ${mi(totals.requests)} of every pod on ${nodes} node(s):\n    ${totals.lines.join("\n    ")}`).to.be.at.most(quantity(value.memoryRequestsMax));
      if (value.memoryLimitsMax) expect(totals.limits, `memory limits ${mi(totals.limits)} of every pod on ${nodes} node(s):\n    ${totals.lines.join("\n    ")}`).to.be.at.most(quantity(value.memoryLimitsMax));
    },
  },

  // --- Operator mode: objects handed to an existing Prometheus Operator / Grafana / Alertmanager -------------
  objects: {
    pending: (value: Array<{ kind: string }>) => {
      const missing = value.filter((o) => !chartKinds.has(o.kind)).map((o) => o.kind);
      return missing.length > 0 ? `the chart has no template for ${[...new Set(missing)].join(", ")}` : undefined;
    },
    check: (stack, value: Array<{ kind: string; name?: string; key?: string; labels?: Record<string, string> }>) => {
      for (const wanted of value) {
        const candidates = stack.objects.filter((o) => o.kind === wanted.kind && (wanted.name === undefined || o.metadata.name === wanted.name));
        expect(candidates.length, `${wanted.kind}${wanted.name ? `/${wanted.name}` : ""} among ${stack.objects.filter((o) => o.kind === wanted.kind).map((o) => o.metadata.name).join(", ") || "none"}`).to.be.greaterThan(0);
        const ok = candidates.some((o) => Object.entries(wanted.labels ?? {}).every(([k, v]) => o.metadata.labels?.[k] === v) && (wanted.key === undefined || wanted.key in ((o as any).data ?? {})));
        expect(ok, `${wanted.kind}${wanted.name ? `/${wanted.name}` : ""} with labels ${JSON.stringify(wanted.labels ?? {})}${wanted.key ? ` and key ${wanted.key}` : ""}`).to.equal(true);
      }
    },
  },
  scrapeTarget: {
    pending: () => (chartKinds.has("ServiceMonitor") ? undefined : "the chart has no ServiceMonitor template for an operator-mode scrape target"),
    check: (stack, value: { service: string; namespace?: string; port?: number | string }) => {
      const monitors = stack.objects.filter((o) => o.kind === "ServiceMonitor") as any[];
      const found = monitors.some((m) => (value.namespace === undefined || (m.spec.namespaceSelector?.matchNames ?? []).includes(value.namespace)));
      expect(found, `a ServiceMonitor for ${value.service} in ${value.namespace ?? "its namespace"} among ${monitors.map((m) => m.metadata.name).join(", ") || "none"}`).to.equal(true);
    },
  },
  serviceMonitor: {
    pending: () => (chartKinds.has("ServiceMonitor") ? undefined : "the chart has no ServiceMonitor template for an operator-mode scrape target"),
    check: (stack, value: { name?: string; port?: string }) => {
      const monitors = stack.objects.filter((o) => o.kind === "ServiceMonitor") as any[];
      const found = monitors.some((m) => value.port === undefined || (m.spec.endpoints ?? []).some((e: { port?: string }) => e.port === value.port));
      expect(found, `a ServiceMonitor scraping port ${value.port ?? "?"} among ${monitors.map((m) => m.metadata.name).join(", ") || "none"}`).to.equal(true);
    },
  },
  prometheusRules: {
    check: (stack, value: Array<{ groups: string[] }>) => {
      const groups = stack.objects.filter((o) => o.kind === "PrometheusRule").flatMap((o) => ((o as any).spec.groups ?? []).map((g: { name: string }) => g.name));
      for (const entry of value) expect(groups, "groups of the rendered PrometheusRules").to.include.members(entry.groups);
    },
  },
  alertmanagerConfigSecret: {
    check: (stack, value: { name: string; key: string }) => {
      const secret = stack.objects.find((o) => o.kind === "Secret" && o.metadata.name === value.name) as { stringData?: Record<string, string> } | undefined;
      expect(secret, `Secret/${value.name} (alertmanager.configSecret)`).to.not.equal(undefined);
      const text = secret!.stringData?.[value.key];
      expect(text, `key ${value.key} of Secret/${value.name}`).to.be.a("string");
      expect(parse(text!), "the Secret holds the same configuration the chart's Alertmanager runs").to.deep.equal(stack.alertmanagerConfig);
    },
  },
  alertmanagerConfig: {
    // The chart can hand its configuration to an existing Alertmanager as a Secret (configSecret); a ConfigMap needs a configMap key.
    pending: (value: { kind: string }) => {
      const key = value.kind === "Secret" ? "configSecret" : "configMap";
      return schemaKeys("alertmanager").includes(key) ? undefined : `the chart writes alertmanager.yml into its own ConfigMap ${RELEASE}-alertmanager; alertmanager has no ${key} key to name a ${value.kind} for an existing Alertmanager`;
    },
    check: (stack, value: { kind: string; name: string; namespace?: string; key: string }) => {
      const object = stack.objects.find((o) => o.kind === value.kind && o.metadata.name === value.name) as (K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> }) | undefined;
      expect(object, `${value.kind}/${value.name}`).to.not.equal(undefined);
      if (value.namespace !== undefined) expect((object!.metadata as { namespace?: string }).namespace, `${value.kind}/${value.name} namespace`).to.equal(value.namespace);
      const text = object!.stringData?.[value.key] ?? (value.kind === "Secret" && object!.data?.[value.key] ? Buffer.from(object!.data[value.key]!, "base64").toString("utf8") : object!.data?.[value.key]);
      expect(text, `key ${value.key} of ${value.kind}/${value.name}`).to.be.a("string");
      expect(parse(text!), "it holds the configuration the chart renders").to.deep.equal(stack.alertmanagerConfig);
    },
  },

  // --- The team's environment: facts the document states that no chart renders -----------------------------
  namespace: { context: "the release namespace is chosen at install time (helm --namespace); the chart renders into whichever it is given" },
  appNamespace: { context: "the namespace of the team's application, which the chart does not deploy" },
  nodes: { context: "the cluster's nodes; used by resourceBudget as the number of node-exporter pods" },
  distribution: { context: "the Kubernetes distribution of the cluster" },
  gitops: { context: "how the team installs the chart (a Flux HelmRelease); a property of the installation, not of the rendered chart" },
  existing: { context: "components the team already runs, which the chart leaves alone" },
  workloads: { context: "the team's application workloads, which the chart monitors but does not deploy" },
  customMetrics: { context: "metrics the team's application exports; the alerts that use them are checked under alerts" },
  capacityTargets: { context: "the document's capacity goals; the alerts that enforce them are checked under alerts" },
  appMetricsService: { context: "the application's metrics Service, deployed with the application" },
};

function podSecurityCheck(name: string, read: (pod: Record<string, any>, container: Container) => unknown): Check {
  return (stack, value: unknown) => {
    const wrong: string[] = [];
    for (const w of stack.workloads) for (const c of w.spec.containers as Container[]) {
      const actual = read(w.spec, c);
      if (actual !== value) wrong.push(`${w.name}/${c.name}: ${JSON.stringify(actual)}`);
    }
    expect(wrong, `containers whose ${name} is not ${JSON.stringify(value)}`).to.deep.equal([]);
  };
}

function policiesFor(stack: RenderedStack, labels: Record<string, string>): any[] {
  return stack.objects.filter((o) => o.kind === "NetworkPolicy" && selectorMatches((o as any).spec.podSelector, labels)) as any[];
}

function portAllowed(ports: Array<{ port?: number | string; protocol?: string }> | undefined, port: number, protocol: string): boolean {
  return ports === undefined || ports.length === 0 || ports.some((p) => (p.port === undefined || Number(p.port) === port) && (p.protocol ?? "TCP") === protocol);
}

/** The routes of the bundled receiver: its rendered config.json with the receiver's own defaults applied. */
function receiverRoutes(stack: RenderedStack): Record<string, { levels?: any }> {
  const configMap = stack.find("ConfigMap", `${RELEASE}-alert-receiver`) as K8sObject & { data?: Record<string, string> };
  const text = configMap.data?.["config.json"];
  expect(text, `config.json of ConfigMap ${RELEASE}-alert-receiver`).to.be.a("string");
  return resolveConfig(JSON.parse(text!), "rendered config.json").routes as Record<string, { levels?: any }>;
}

/** The checkable entries of a table's topology, one per key the RULES know (nested maps unfolded). */
export function topologyEntries(topology: Record<string, unknown>): TopologyEntry[] {
  const entries: TopologyEntry[] = [];
  const visit = (value: unknown, path: string): void => {
    if (value === null || value === undefined || path.endsWith(".added")) return;
    const rule = RULES[path];
    if (rule?.context !== undefined) return void entries.push({ path, value, context: rule.context });
    if (rule) return void entries.push({ path, value, ...(rule.pending?.(value) !== undefined ? { pending: rule.pending(value)! } : {}) });
    if (typeof value === "object" && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) visit(child, path ? `${path}.${key}` : key);
      return;
    }
    entries.push({ path, value });
  };
  visit(topology, "");
  return entries;
}

/** Checks one entry on the rendered stack; throws with a clear message when the chart does not hold it. */
export function checkTopology(stack: RenderedStack, table: FidelityTable, entry: TopologyEntry): void {
  const rule = RULES[entry.path];
  if (!rule?.check) throw new Error(`no check for topology key "${entry.path}" in test/helpers/fidelity-topology.ts: add a check, a pending reason or a context note`);
  rule.check(stack, entry.value, table);
}
