// Egress the profile needs through the network policies. The network-policies subchart
// cannot read the other subcharts' values, so the umbrella chart (templates/network-policies.yaml)
// adds the egress a profile determines exactly: the namespace and port of each typed scrape job
// that discovers pods in named namespaces on a numbered port, and RabbitMQ's pods. `derivedScrapeTargets` mirrors that
// template. Every other destination (a host name, every namespace, the nodes, a discovery whose
// addresses only the cluster knows) is checked against the configured egress lists, and each one
// that no entry could allow is a warning naming the profile path, the port and the entry to add.
import { isIP } from "node:net";
import type { NetworkTarget, PromstackValues } from "../types/values.js";
import type { Findings, Segments } from "./findings.js";
import { staticTargets } from "./scraping.js";

/** Where a connection goes: which addresses, and which port ("unknown": only the cluster knows, so any entry's ports may fit). */
interface Destination {
  segments: Segments;
  what: string;
  port: number | "unknown";
  address:
    | { kind: "namespaces"; namespaces: string[] } // empty: every namespace
    | { kind: "host"; host: string; namespace?: string }
    | { kind: "nodes" }
    | { kind: "unknown" };
}

type Yaml = Record<string, unknown>;

const POD_ROLES = ["pod", "endpoints", "endpointslice"];

/** Egress the chart adds to network-policies.scrapeTargets on its own (mirrors the umbrella's network-policies.yaml). */
export function derivedScrapeTargets(values: PromstackValues, releaseNamespace = "monitoring"): NetworkTarget[] {
  const prometheus = values.prometheus;
  const out: NetworkTarget[] = [];
  if (!prometheus?.enabled || prometheus.mode === "operator") return out;
  for (const job of prometheus.scrapeJobs ?? []) {
    const k = job.kubernetes;
    if (k && POD_ROLES.includes(k.role) && (k.namespaces ?? []).length && typeof k.port === "number") out.push({ namespaces: k.namespaces, ports: [k.port] });
  }
  const rabbitmq = values.exporters?.rabbitmq;
  if (values.exporters?.enabled && rabbitmq?.enabled) out.push({ namespaces: [rabbitmq.namespace || releaseNamespace], ports: [rabbitmq.port ?? 15692] });
  return out;
}

/** The namespaces a raw kubernetes_sd_config discovers in (empty: every namespace). */
function rawNamespaces(sd: Yaml, releaseNamespace: string): string[] {
  const namespaces = (sd["namespaces"] ?? {}) as { names?: string[]; own_namespace?: boolean };
  return [...(namespaces.names ?? []), ...(namespaces.own_namespace ? [releaseNamespace] : [])];
}

/** host[:port] → its parts; the port defaults to the scheme's. */
function hostPort(address: string, scheme: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(address);
  const host = (match?.[1] ?? address).replace(/^\[|\]$/g, "");
  return { host, port: match?.[2] ? Number(match[2]) : scheme === "https" ? 443 : 80 };
}

function urlDestination(url: string): { host: string; port: number } | undefined {
  try {
    const parsed = new URL(url);
    return { host: parsed.hostname.replace(/^\[|\]$/g, ""), port: parsed.port ? Number(parsed.port) : parsed.protocol === "https:" ? 443 : parsed.protocol === "socks5:" ? 1080 : 80 };
  } catch {
    return undefined;
  }
}

/** A Service name (name.namespace.svc[.cluster.local]) lies in its namespace. */
function hostAddress(host: string): Destination["address"] {
  const service = /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.|$)/.exec(host);
  return service ? { kind: "host", host, namespace: service[1] } : { kind: "host", host };
}

function prometheusDestinations(values: PromstackValues, releaseNamespace: string): Destination[] {
  const prometheus = values.prometheus!;
  const out: Destination[] = [];
  (prometheus.scrapeJobs ?? []).forEach((job, index) => {
    const at: Segments = ["prometheus", "scrapeJobs", index];
    const what = `prometheus.scrapeJobs[${index}] (job ${job.name})`;
    const k = job.kubernetes;
    if (k) {
      const namespaces = k.namespaces ?? [];
      const numbered = typeof k.port === "number";
      if (k.role === "node") out.push({ segments: [...at, "kubernetes", "role"], what: `${what} scrapes the kubelets`, port: 10250, address: { kind: "nodes" } });
      else if (POD_ROLES.includes(k.role) && namespaces.length && numbered) return; // derived by the chart
      else if (POD_ROLES.includes(k.role)) {
        // A port name (or none) says nothing of the number: only the namespaces can be checked.
        const port = numbered ? `port ${k.port}` : k.port === undefined ? "every port" : `the port named ${k.port}`;
        out.push({ segments: [...at, "kubernetes"], what: `${what} scrapes ${port} of pods in ${namespaces.length ? `namespace ${namespaces.join(", ")}` : "every namespace"}`, port: numbered ? (k.port as number) : "unknown", address: { kind: "namespaces", namespaces } });
      }
      // A Service's or an Ingress' port is not the pod's: the connection's port is unknown here.
      else out.push({ segments: [...at, "kubernetes"], what: `${what} (role ${k.role}) connects to ${k.role === "service" ? "Services' target ports" : "Ingress hosts"} ${namespaces.length ? `in namespace ${namespaces.join(", ")}` : "in every namespace"}`, port: "unknown", address: k.role === "service" ? { kind: "namespaces", namespaces } : { kind: "unknown" } });
    }
    for (const { at: where, target } of staticTargets(job)) {
      const { host, port } = hostPort(target, job.scheme ?? "http");
      out.push({ segments: [...at, ...where], what: `${what} targets ${target}`, port, address: hostAddress(host) });
    }
  });
  ((prometheus.extraScrapeConfigs ?? []) as unknown as Yaml[]).forEach((raw, index) => {
    const at: Segments = ["prometheus", "extraScrapeConfigs", index];
    const what = `prometheus.extraScrapeConfigs[${index}] (job ${String(raw["job_name"])})`;
    const proxy = typeof raw["proxy_url"] === "string" ? urlDestination(raw["proxy_url"]) : undefined;
    if (proxy) {
      out.push({ segments: [...at, "proxy_url"], what: `${what} connects through its proxy ${proxy.host}:${proxy.port}`, port: proxy.port, address: hostAddress(proxy.host) });
      return;
    }
    const scheme = typeof raw["scheme"] === "string" ? raw["scheme"] : "http";
    // Without a step that writes __address__, a node target is the kubelet's address and port.
    const rewritesAddress = ((raw["relabel_configs"] ?? []) as Yaml[]).some((step) => step["target_label"] === "__address__");
    ((raw["static_configs"] ?? []) as Yaml[]).forEach((group, g) => {
      ((group["targets"] ?? []) as string[]).forEach((target, t) => {
        const { host, port } = hostPort(target, scheme);
        out.push({ segments: [...at, "static_configs", g, "targets", t], what: `${what} targets ${target}`, port, address: hostAddress(host) });
      });
    });
    for (const [key, list] of Object.entries(raw)) {
      if (!key.endsWith("_sd_configs") || !Array.isArray(list)) continue;
      list.forEach((sd: Yaml, s) => {
        if (key === "kubernetes_sd_configs" && POD_ROLES.includes(String(sd["role"])) && !sd["api_server"]) {
          // Its relabelling decides the port: only the namespaces can be checked.
          const namespaces = rawNamespaces(sd, releaseNamespace);
          out.push({ segments: [...at, key, s], what: `${what} discovers pods in ${namespaces.length ? `namespace ${namespaces.join(", ")}` : "every namespace"}`, port: "unknown", address: { kind: "namespaces", namespaces } });
        } else if (key === "kubernetes_sd_configs" && sd["role"] === "node" && !sd["api_server"] && !rewritesAddress) {
          out.push({ segments: [...at, key, s], what: `${what} scrapes the kubelets`, port: 10250, address: { kind: "nodes" } });
        } else {
          out.push({ segments: [...at, key, s], what: `${what} discovers targets with ${key}${sd["role"] ? ` (role ${String(sd["role"])})` : ""}, whose addresses and ports only the cluster knows`, port: "unknown", address: { kind: "unknown" } });
        }
      });
    }
  });
  (prometheus.remoteWrite ?? []).forEach((remote, index) => {
    const proxy = remote.proxyUrl ? urlDestination(remote.proxyUrl) : undefined;
    const target = urlDestination(remote.url);
    if (proxy) out.push({ segments: ["prometheus", "remoteWrite", index, "proxyUrl"], what: `prometheus.remoteWrite[${index}] sends through its proxy ${proxy.host}:${proxy.port}`, port: proxy.port, address: hostAddress(proxy.host) });
    else if (target) out.push({ segments: ["prometheus", "remoteWrite", index, "url"], what: `prometheus.remoteWrite[${index}] sends to ${target.host}:${target.port}`, port: target.port, address: hostAddress(target.host) });
  });
  (prometheus.additionalAlertmanagers ?? []).forEach((am, index) => {
    am.targets.forEach((target, t) => {
      const { host, port } = hostPort(target, am.scheme ?? "http");
      out.push({ segments: ["prometheus", "additionalAlertmanagers", index, "targets", t], what: `prometheus.additionalAlertmanagers[${index}] sends alerts to ${target}`, port, address: hostAddress(host) });
    });
  });
  (prometheus.remoteRead ?? []).forEach((remote, index) => {
    const proxy = remote.proxyUrl ? urlDestination(remote.proxyUrl) : undefined;
    const target = urlDestination(remote.url);
    if (proxy) out.push({ segments: ["prometheus", "remoteRead", index, "proxyUrl"], what: `prometheus.remoteRead[${index}] reads through its proxy ${proxy.host}:${proxy.port}`, port: proxy.port, address: hostAddress(proxy.host) });
    else if (target) out.push({ segments: ["prometheus", "remoteRead", index, "url"], what: `prometheus.remoteRead[${index}] reads from ${target.host}:${target.port}`, port: target.port, address: hostAddress(target.host) });
  });
  return out;
}

/** The fields of an integration that hold the address Alertmanager connects to. */
const URL_FIELDS: Record<string, string[]> = { webhook: ["url"], pagerduty: ["url"], incidentio: ["url"] };

function alertmanagerDestinations(values: PromstackValues): Destination[] {
  const alertmanager = values.alertmanager!;
  const global = (alertmanager.globalConfig ?? {}) as Yaml;
  const smarthost = (alertmanager.smtp?.smarthost ?? global["smtpSmarthost"]) as string | undefined;
  const out: Destination[] = [];
  for (const [name, receiver] of Object.entries((alertmanager.receivers ?? {}) as Record<string, Yaml | null>)) {
    for (const [kind, list] of Object.entries(receiver ?? {})) {
      if (!Array.isArray(list)) continue;
      list.forEach((item: Yaml, index) => {
        const at: Segments = ["alertmanager", "receivers", name, kind, index];
        const what = `alertmanager.receivers.${name}.${kind}[${index}]`;
        const proxyUrl = ((item["httpConfig"] ?? {}) as Yaml)["proxyUrl"];
        if (typeof proxyUrl === "string") {
          const proxy = urlDestination(proxyUrl);
          if (proxy) out.push({ segments: [...at, "httpConfig", "proxyUrl"], what: `${what} connects through its proxy ${proxy.host}:${proxy.port}`, port: proxy.port, address: hostAddress(proxy.host) });
          return;
        }
        if (kind === "email") {
          const host = (item["smarthost"] as string | undefined) ?? smarthost;
          if (!host) return;
          const { host: name, port } = hostPort(host, "smtp");
          out.push({ segments: item["smarthost"] ? [...at, "smarthost"] : at, what: `${what} sends mail to ${name}:${port}`, port, address: hostAddress(name) });
          return;
        }
        for (const field of [...(URL_FIELDS[kind] ?? []), "apiUrl"]) {
          const url = item[field];
          const target = typeof url === "string" ? urlDestination(url) : undefined;
          if (target) out.push({ segments: [...at, field], what: `${what} sends to ${target.host}:${target.port}`, port: target.port, address: hostAddress(target.host) });
        }
      });
    }
  }
  return out;
}

/** Whether an IPv4 address lies in a CIDR (IPv6: assumed, as this check cannot tell). */
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  if (isIP(ip) !== 4 || isIP(base!) !== 4) return isIP(ip) === isIP(base!);
  const number = (a: string) => a.split(".").reduce((n, part) => n * 256 + Number(part), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(number(ip) / size) === Math.floor(number(base!) / size);
}

/** Whether an egress entry could allow the connection (when its addresses are unknown here, an entry with cidrs might). */
export function allows(entry: NetworkTarget, destination: Pick<Destination, "port" | "address">): boolean {
  const ports = entry.ports ?? [];
  const portAllowed = ports.length === 0 || destination.port === "unknown" || ports.includes(destination.port);
  if (!portAllowed) return false;
  const cidrs = entry.cidrs ?? [];
  const namespaces = entry.namespaces ?? [];
  // Anywhere on some ports (the node-exporter and API server entries) says nothing of a port only the cluster knows.
  if (cidrs.length === 0 && namespaces.length === 0) return ports.length === 0 || destination.port !== "unknown";
  const address = destination.address;
  if (address.kind === "host" && isIP(address.host)) return cidrs.some((cidr) => inCidr(address.host, cidr));
  if (address.kind === "namespaces" && address.namespaces.length > 0 && address.namespaces.every((n) => namespaces.includes(n))) return true;
  if (address.kind === "host" && address.namespace && namespaces.includes(address.namespace)) return true;
  return cidrs.length > 0;
}

/** A pod's port whose number only the cluster knows. */
function unknownPorts(destination: Destination): string {
  return destination.address.kind === "namespaces" ? "ports: [<the metrics port's number>]" : "";
}

/** The entry that would allow a destination, written as the profile takes it. */
function suggestion(destination: Destination): string {
  const ports = typeof destination.port === "number" ? `ports: [${destination.port}]` : unknownPorts(destination);
  const address = destination.address;
  const where =
    address.kind === "namespaces" ? `namespaces: [${address.namespaces.length ? address.namespaces.join(", ") : "<the pods' namespaces>"}]`
    : address.kind === "host" && isIP(address.host) ? `cidrs: [${address.host}/${isIP(address.host) === 4 ? 32 : 128}]`
    : address.kind === "host" && address.namespace ? `namespaces: [${address.namespace}]`
    : address.kind === "host" ? `cidrs: [<addresses of ${address.host}>]`
    : address.kind === "nodes" ? "cidrs: [<the nodes' addresses>]"
    : "cidrs: [<their addresses>]";
  return `{${[where, ports].filter(Boolean).join(", ")}}`;
}

/** The pod itself: NetworkPolicy never applies to loopback. */
function loopback(destination: Destination): boolean {
  const address = destination.address;
  return address.kind === "host" && (address.host === "localhost" || /^127\./.test(address.host) || address.host === "::1");
}

function check(destinations: Destination[], entries: NetworkTarget[], list: string, findings: Findings): void {
  for (const destination of destinations) {
    if (loopback(destination) || entries.some((entry) => allows(entry, destination))) continue;
    const port = typeof destination.port === "number" ? `port ${destination.port}` : "its ports";
    findings.add("warning", destination.segments, `${destination.what}; the network policies allow no egress there (${port}): add ${suggestion(destination)} to network-policies.${list}, or set network-policies.enabled: false`);
  }
}

/** Warnings for each connection the profile configures that the network policies would block. */
export function checkEgress(values: PromstackValues, findings: Findings, releaseNamespace = "monitoring"): void {
  const policies = values["network-policies"];
  if (!policies || policies.enabled === false) return;
  const prometheus = values.prometheus;
  if (prometheus?.enabled && prometheus.mode !== "operator") {
    const entries = [...(policies.scrapeTargets ?? []), ...derivedScrapeTargets(values, releaseNamespace), ...[policies.nodeExporter, policies.kubernetesApi].filter((e): e is NetworkTarget => e !== undefined)];
    check(prometheusDestinations(values, releaseNamespace), entries, "scrapeTargets", findings);
  }
  if (values.alertmanager?.enabled) check(alertmanagerDestinations(values), policies.alertmanagerEgress ?? [], "alertmanagerEgress", findings);
  // The ingress controller's pods are in another namespace: the policies admit them only from allowIngressFromNamespaces.
  if ((policies.allowIngressFromNamespaces ?? []).length > 0) return;
  const uis: Array<[string, number, boolean | undefined]> = [
    ["prometheus", 9090, prometheus?.enabled && prometheus.mode !== "operator"],
    ["alertmanager", 9093, values.alertmanager?.enabled],
    ["grafana", 3000, values.grafana?.enabled && values.grafana.deploy !== false],
  ];
  for (const [component, port, runs] of uis) {
    const ingress = (values[component as "prometheus"] as { ingress?: { enabled?: boolean } } | undefined)?.ingress;
    if (runs && ingress?.enabled) findings.add("warning", [component, "ingress", "enabled"], `${component}.ingress is enabled, but the network policies admit no ingress controller to ${component} (${port}): add the controller's namespace to network-policies.allowIngressFromNamespaces`);
  }
}
