// THE place where the rendered release is changed so that it runs on one host. Everything
// not listed here runs exactly as `helm template` rendered it (flags, relabelling, external
// labels, routes, receivers' settings, inhibition, templates, rules).
//
// What changes, and why:
//  1. Volumes become directories: ConfigMap and Secret volumes are written out from the
//     rendered objects, honouring `items` (key -> path); a Secret the release does not render
//     is filled from the keys the profile's secrets.example declares (test values), and a
//     mounted key or a `*_file` that neither provides is an error, as it would be in the
//     cluster. Volume claims and emptyDirs become per-replica directories, hostPath volumes
//     are the host's own paths. Every absolute path in a flag or config file that lies under
//     a mount is rewritten to the directory behind it.
//  2. Addresses: listen addresses bind 127.0.0.1 on a free port; $(POD_IP) is 127.0.0.1;
//     cluster peers and in-cluster Service/pod DNS names become the 127.0.0.1 port of the
//     process behind them (a name in another namespace than the release's is an error: the
//     release's own Service cannot answer there); `localhost:<containerPort>` targets
//     become the local port.
//  3. Kubernetes service discovery becomes file_sd with the same __meta_kubernetes_* labels
//     the Kubernetes SD would attach to the endpoints of the processes this harness runs
//     (so the rendered relabel_configs still decide what is scraped and alerted).
//  4. Receivers: every notification integration points at a local sink (its URL, or the
//     content of its *_url_file); email uses a local SMTP port without TLS.
//  5. Test fixtures, marked as such: an extra rule file (fixtureRules) and an extra scrape
//     job "live-fixture" (honor_labels) for a tiny exporter the scenarios drive (fixtureTarget).
//  6. Time, only when timeScale < 1: the profile's scrape/evaluation intervals, scrape
//     timeouts, rule `for`/`keep_firing_for`/group `interval` and the route timers
//     group_wait/group_interval/repeat_interval are multiplied by timeScale (Prometheus and
//     Alertmanager defaults first made explicit), so a 5-minute group_interval does not make
//     a test wait 5 minutes. Ratios between them stay the profile's. A replicated
//     Alertmanager needs group_interval and repeat_interval above (replicas - 1) x
//     --cluster.peer-timeout + 5s (below that a waiting replica compares a pre-wait snapshot
//     of its alerts with a newer notification log entry and re-sends "firing" after
//     "resolved"); a scale that would take a route below it is an error, never a silent
//     clamp: the caller picks the scale with slowestTimeScale() and prints it. A route the
//     profile itself sets below the floor runs unscaled, as rendered, with a notice.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { parse, stringify } from "yaml";
import { formatDuration, parseDuration } from "./duration.js";
import type { SinkKind } from "./sinks.js";
import { podName, selectedWorkload, targetContainerPort, type ContainerPort, type Release, type Workload } from "./workloads.js";

export interface HostLayout {
  /** Root of everything written for this run. */
  dir: string;
  /** Local port of (app, replica, containerPort). */
  port(app: string, replica: number, containerPort: number): number;
  /** Where an integration of an Alertmanager receiver delivers: a URL, or host:port for email. */
  sink(kind: SinkKind, receiver: string, index: number): string;
  timeScale: number;
  /** A local port nothing listens on. */
  closedPort: number;
  /** What the rewrite could not do as asked and did otherwise, for the caller to print. */
  notices: Set<string>;
  /** Secrets the profile's secrets.example declares (see secrets-example.ts): name -> key -> test value. */
  declaredSecrets: Map<string, Record<string, string>>;
  /** Test fixtures: a rule file, and the address of an exporter scraped by an extra job. */
  fixtureRules?: string;
  fixtureTarget?: string;
}

export interface LocalProcess {
  app: string;
  replica: number;
  /** The container's command (empty: the image's entrypoint) and arguments, localised. */
  command: string[];
  args: string[];
}

/** Prometheus and Alertmanager defaults, made explicit before scaling. */
const DEFAULTS = { scrapeInterval: "1m", scrapeTimeout: "10s", evaluationInterval: "1m", groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" };

type Yaml = Record<string, unknown>;

/** The processes of the workloads named in `apps`, with their files written under host.dir. */
export function localise(release: Release, host: HostLayout, apps: string[]): LocalProcess[] {
  const processes: LocalProcess[] = [];
  for (const w of release.workloads.values()) {
    if (!apps.includes(w.app)) continue;
    for (let replica = 0; replica < w.replicas; replica++) {
      const paths = materialiseVolumes(release, host, w, replica);
      const env = podEnv(w);
      const args = (w.container.args ?? []).map((arg) => localArg(release, host, w, replica, paths, expandEnv(arg, env)));
      const command = (w.container.command ?? []).map((part) => paths.map(expandEnv(part, env)));
      for (const configFile of configFiles(args.concat(command))) rewriteConfig(release, host, w, replica, paths, configFile, apps);
      processes.push({ app: w.app, replica, command, args });
    }
  }
  return processes;
}

// --- 1. volumes ---------------------------------------------------------------------------

interface PathMap {
  /** The host path behind a pod path (unchanged when no volume is mounted there). */
  map(podPath: string): string;
  /** The host path behind a pod path that must lie on a volume (a Secret file, say). */
  mounted(podPath: string, what: string): string;
}

function materialiseVolumes(release: Release, host: HostLayout, w: Workload, replica: number): PathMap {
  const base = join(host.dir, `${w.app}-${replica}`);
  const mounts: Array<[string, string]> = [];
  for (const mount of w.container.volumeMounts ?? []) {
    const volume = w.volumes.find((v) => v.name === mount.name);
    let dir: string;
    if (volume?.hostPath) {
      dir = volume.hostPath.path;
    } else {
      dir = join(base, "volumes", mount.name);
      mkdirSync(dir, { recursive: true });
      if (volume?.configMap) writeKeys(dir, release.configMaps.get(volume.configMap.name), volume.configMap, `${w.name}: volume ${mount.name}: ConfigMap ${volume.configMap.name}`, "the release does not render it");
      if (volume?.secret) {
        const name = volume.secret.secretName;
        const data = release.secrets.get(name) ?? host.declaredSecrets.get(name);
        writeKeys(dir, data, volume.secret, `${w.name}: volume ${mount.name}: Secret ${name}`, `the release does not render it and the profile's secrets.example does not declare it (declares: ${[...host.declaredSecrets.keys()].join(", ") || "nothing"})`);
      }
      if (!volume && !w.claimTemplates.includes(mount.name)) throw new Error(`${w.name}: mount ${mount.name} has no volume`);
    }
    mounts.push([mount.mountPath, mount.subPath ? join(dir, mount.subPath) : dir]);
  }
  mounts.sort((a, b) => b[0].length - a[0].length);
  const onVolume = (podPath: string): string | undefined => {
    for (const [mountPath, dir] of mounts) {
      if (podPath === mountPath) return dir;
      if (podPath.startsWith(mountPath.endsWith("/") ? mountPath : `${mountPath}/`)) return join(dir, relative(mountPath, podPath));
    }
    return undefined;
  };
  return {
    map: (podPath) => onVolume(podPath) ?? podPath,
    mounted(podPath, what) {
      const path = onVolume(podPath);
      if (path === undefined) throw new Error(`${w.name}: ${what} ${podPath} lies on no volume the pod mounts (${mounts.map(([m]) => m).join(", ")})`);
      return path;
    },
  };
}

/** The files of a ConfigMap or Secret volume: every key, or exactly the `items` (key -> path), as the kubelet writes them. */
function writeKeys(dir: string, data: Record<string, string> | undefined, source: { optional?: boolean; items?: Array<{ key: string; path: string }> }, what: string, whyMissing: string): void {
  if (data === undefined) {
    if (source.optional) return;
    throw new Error(`${what}: ${whyMissing}`);
  }
  const files = source.items ?? Object.keys(data).map((key) => ({ key, path: key }));
  for (const { key, path } of files) {
    const value = data[key];
    if (value === undefined) {
      if (source.optional) continue;
      throw new Error(`${what} has no key "${key}" (has: ${Object.keys(data).join(", ")})`);
    }
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), value);
  }
}

// --- 2. addresses -------------------------------------------------------------------------

function podEnv(w: Workload): Map<string, string> {
  const env = new Map<string, string>();
  for (const e of w.container.env ?? []) {
    const ref = (e as { valueFrom?: { fieldRef?: { fieldPath?: string } } }).valueFrom?.fieldRef?.fieldPath;
    if (e.value !== undefined) env.set(e.name, e.value);
    else if (ref === "status.podIP" || ref === "status.hostIP") env.set(e.name, "127.0.0.1");
  }
  return env;
}

/** Kubernetes' $(VAR) expansion in command and args. */
function expandEnv(text: string, env: Map<string, string>): string {
  return text.replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (whole, name: string) => env.get(name) ?? whole);
}

function splitHostPort(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(":");
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

/** 127.0.0.1:<port> of the process behind an address as the pod sees it. */
function localAddress(release: Release, host: HostLayout, self: { w: Workload; replica: number }, address: string): string {
  const { host: name, port } = splitHostPort(address);
  if (["", "0.0.0.0", "::", "[::]", "localhost", "127.0.0.1"].includes(name)) {
    // A port the container does not declare: nothing in the pod listens there, so nothing here does either.
    if (!(self.w.container.ports ?? []).some((p) => p.containerPort === port) && !["", "0.0.0.0", "::", "[::]"].includes(name)) {
      host.notices.add(`${self.w.name}: ${address} is no port of the pod's container: pointed at a closed local port (deliveries there fail, as in the cluster)`);
      return `127.0.0.1:${host.closedPort}`;
    }
    return `127.0.0.1:${host.port(self.w.app, self.replica, port)}`;
  }
  const target = resolveDnsName(release, name, port);
  return `127.0.0.1:${host.port(target.w.app, target.replica, target.containerPort)}`;
}

/**
 * <svc>[.<ns>[.svc[.cluster.local]]] or <pod>.<headless svc>[.<ns>[...]]: the workload replica
 * and container port behind it. Every label counts: a name in another namespace, or with
 * more labels than these forms, is an error.
 */
function resolveDnsName(release: Release, dnsName: string, port: number): { w: Workload; replica: number; containerPort: number } {
  const suffixed = /\.svc(\.cluster\.local)?$/.test(dnsName);
  const labels = dnsName.replace(/\.svc(\.cluster\.local)?$/, "").split(".");
  const headless = (name: string | undefined): boolean => release.services.some((s) => s.name === name && s.headless);
  // <svc>.svc alone is no Kubernetes name; <x>.<y> is <svc>.<ns> when y is a namespace, <pod>.<svc> otherwise.
  let podForm: boolean;
  let namespace: string | undefined;
  if (labels.length === 1 && !suffixed) podForm = false;
  else if (labels.length === 2 && (suffixed || !headless(labels[1]))) [podForm, namespace] = [false, labels[1]];
  else if (labels.length === 2) podForm = true;
  else if (labels.length === 3) [podForm, namespace] = [true, labels[2]];
  else throw new Error(`address ${dnsName}:${port} is no Service or pod DNS name of a Kubernetes cluster (<svc>[.<ns>[.svc[.cluster.local]]], <pod>.<svc>[.<ns>...])`);
  if (namespace !== undefined && namespace !== release.namespace) throw new Error(`address ${dnsName}:${port} is in namespace ${namespace}, not the release namespace ${release.namespace}: the release's Services do not answer there`);
  const service = release.services.find((s) => s.name === (podForm ? labels[1] : labels[0]) && s.namespace === release.namespace);
  if (!service) throw new Error(`address ${dnsName}:${port} names no Service of release ${release.release} (${release.services.map((s) => s.name).join(", ")})`);
  if (podForm && !service.headless) throw new Error(`address ${dnsName}:${port}: ${service.name} is not a headless Service, so its pods have no DNS names`);
  const w = selectedWorkload(release, service);
  if (!w) throw new Error(`Service ${service.name} selects no workload this harness runs`);
  const replica = podForm ? [...Array(w.replicas).keys()].find((i) => podName(w, i) === labels[0]) : 0;
  if (replica === undefined) throw new Error(`${dnsName}: no pod ${labels[0]} among ${w.replicas} replicas of ${w.name}`);
  const servicePort = service.ports.find((p) => p.port === port);
  const containerPort = servicePort ? targetContainerPort(w, servicePort)?.containerPort : podForm ? port : undefined;
  if (containerPort === undefined) throw new Error(`${dnsName}:${port}: Service ${service.name} has no such port`);
  return { w, replica, containerPort };
}

function localArg(release: Release, host: HostLayout, w: Workload, replica: number, paths: PathMap, arg: string): string {
  const match = /^(--?[a-z0-9.-]+)=(.*)$/.exec(arg);
  if (!match) return paths.map(arg);
  const [, flag, value] = match as unknown as [string, string, string];
  const self = { w, replica };
  if (flag.endsWith("listen-address") || flag.endsWith("advertise-address") || flag === "--cluster.peer") {
    return value === "" ? arg : `${flag}=${localAddress(release, host, self, value)}`;
  }
  return `${flag}=${paths.map(value)}`;
}

// --- config files -------------------------------------------------------------------------

interface ConfigFile {
  kind: "prometheus" | "alertmanager" | "receiver";
  path: string;
}

/** The config files a process reads, from its flags. */
function configFiles(args: string[]): ConfigFile[] {
  const files: ConfigFile[] = [];
  args.forEach((arg, i) => {
    const value = arg.startsWith("--config.file=") ? arg.slice("--config.file=".length) : arg === "--config" ? args[i + 1] : undefined;
    if (value === undefined) return;
    const kind = value.endsWith("prometheus.yml") ? "prometheus" : value.endsWith("alertmanager.yml") ? "alertmanager" : "receiver";
    files.push({ kind, path: value });
  });
  return files;
}

function rewriteConfig(release: Release, host: HostLayout, w: Workload, replica: number, paths: PathMap, file: ConfigFile, apps: string[]): void {
  const text = readFileSync(file.path, "utf8");
  const self = { w, replica };
  if (file.kind === "receiver") {
    const config = JSON.parse(text) as { listen?: { host?: string; port?: number }; tokenFile?: string };
    const port = config.listen?.port ?? 8080;
    config.listen = { host: "127.0.0.1", port: host.port(w.app, replica, port) };
    if (config.tokenFile) config.tokenFile = requireFile(paths.mounted(config.tokenFile, "tokenFile"), `${w.name}: tokenFile`);
    writeFileSync(file.path, JSON.stringify(config, null, 2));
    return;
  }
  const config = (parse(text) ?? {}) as Yaml;
  if (file.kind === "prometheus") localisePrometheus(release, host, self, paths, config, apps);
  else localiseAlertmanager(release, host, self, paths, config);
  writeFileSync(file.path, stringify(config));
}

/** A file a config names must come from a mounted volume: the harness makes up none. */
function requireFile(path: string, what: string): string {
  if (!existsSync(path)) throw new Error(`${what} ${path} does not exist: no mounted ConfigMap or Secret key provides it`);
  return path;
}

function scaled(host: HostLayout, value: unknown, fallback: string): string {
  const ms = parseDuration(typeof value === "string" ? value : fallback);
  return host.timeScale === 1 ? (typeof value === "string" ? value : fallback) : formatDuration(ms * host.timeScale);
}

// --- 3, 5, 6: prometheus.yml and its rule files ---------------------------------------------

function localisePrometheus(release: Release, host: HostLayout, self: { w: Workload; replica: number }, paths: PathMap, config: Yaml, apps: string[]): void {
  const global = (config["global"] ??= {}) as Yaml;
  if (host.timeScale !== 1) {
    global["scrape_interval"] = scaled(host, global["scrape_interval"], DEFAULTS.scrapeInterval);
    global["scrape_timeout"] = scaled(host, global["scrape_timeout"], DEFAULTS.scrapeTimeout);
    global["evaluation_interval"] = scaled(host, global["evaluation_interval"], DEFAULTS.evaluationInterval);
  }
  const ruleFiles = ((config["rule_files"] as string[] | undefined) ?? []).map((f) => paths.map(f));
  for (const file of ruleFiles.flatMap(globFiles)) rewriteYaml(file, (rules) => scaleRules(host, rules));
  const scrapeFiles = ((config["scrape_config_files"] as string[] | undefined) ?? []).map((f) => paths.map(f));
  if (scrapeFiles.length > 0) config["scrape_config_files"] = scrapeFiles;
  for (const file of scrapeFiles.flatMap(globFiles)) {
    rewriteYaml(file, (jobs) => ((jobs["scrape_configs"] as Yaml[] | undefined) ?? []).forEach((job) => localiseScrapeJob(release, host, self, apps, job)));
  }
  const scrapeConfigs = (config["scrape_configs"] ??= []) as Yaml[];
  scrapeConfigs.forEach((job) => localiseScrapeJob(release, host, self, apps, job));
  const alerting = (config["alerting"] as { alertmanagers?: Yaml[] } | undefined) ?? {};
  (alerting.alertmanagers ?? []).forEach((am, i) => discover(release, host, self, apps, am, `alertmanagers-${i}`));

  // Test fixtures: one extra rule file and one extra scrape job, named as such.
  if (host.fixtureRules !== undefined) {
    const fixture = join(host.dir, "fixture-rules", "live-fixture.rules.yaml");
    mkdirSync(dirname(fixture), { recursive: true });
    writeFileSync(fixture, host.fixtureRules);
    ruleFiles.push(fixture);
  }
  // honor_labels: the fixture stands in for a profile's exporter and carries that job's label.
  if (host.fixtureTarget !== undefined) scrapeConfigs.push({ job_name: "live-fixture", honor_labels: true, static_configs: [{ targets: [host.fixtureTarget] }] });
  config["rule_files"] = ruleFiles;
}

function localiseScrapeJob(release: Release, host: HostLayout, self: { w: Workload; replica: number }, apps: string[], job: Yaml): void {
  discover(release, host, self, apps, job, `scrape-${String(job["job_name"])}`);
  if (host.timeScale !== 1) {
    if (job["scrape_interval"] !== undefined) job["scrape_interval"] = scaled(host, job["scrape_interval"], DEFAULTS.scrapeInterval);
    if (job["scrape_timeout"] !== undefined) job["scrape_timeout"] = scaled(host, job["scrape_timeout"], DEFAULTS.scrapeTimeout);
  }
}

/** Kubernetes SD becomes file_sd over the local processes; static targets become local addresses. */
function discover(release: Release, host: HostLayout, self: { w: Workload; replica: number }, apps: string[], job: Yaml, name: string): void {
  const sd = job["kubernetes_sd_configs"] as Yaml[] | undefined;
  if (sd) {
    const file = join(host.dir, "file-sd", `${name}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(sd.flatMap((c) => kubernetesTargets(release, host, c, apps))));
    delete job["kubernetes_sd_configs"];
    job["file_sd_configs"] = [{ files: [file] }];
  }
  for (const group of (job["static_configs"] as Array<{ targets?: string[] }> | undefined) ?? []) {
    group.targets = (group.targets ?? []).map((t) => localAddress(release, host, self, t));
  }
}

/** The files a rule_files/scrape_config_files pattern matches (Prometheus globs: * and ? in the last element). */
function globFiles(pattern: string): string[] {
  const dir = dirname(pattern);
  if (!existsSync(dir)) return [];
  const glob = new RegExp(`^${pattern.slice(dir.length + 1).replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return readdirSync(dir).sort().filter((n) => glob.test(n)).map((n) => join(dir, n));
}

function rewriteYaml(file: string, change: (content: Yaml) => void): void {
  const content = (parse(readFileSync(file, "utf8")) ?? {}) as Yaml;
  change(content);
  writeFileSync(file, stringify(content));
}

function scaleRules(host: HostLayout, rules: Yaml): void {
  if (host.timeScale === 1) return;
  for (const group of (rules["groups"] as Array<Yaml & { rules?: Yaml[] }> | undefined) ?? []) {
    if (group["interval"] !== undefined) group["interval"] = scaled(host, group["interval"], DEFAULTS.evaluationInterval);
    for (const rule of group.rules ?? []) {
      for (const key of ["for", "keep_firing_for"]) if (rule[key] !== undefined) rule[key] = scaled(host, rule[key], "0s");
    }
  }
}

/** Label names as Kubernetes SD writes them (invalid characters become "_"). */
function sanitise(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, "_");
}

function objectLabels(prefix: string, labels: Record<string, string>, annotations: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) {
    out[`${prefix}_label_${sanitise(k)}`] = v;
    out[`${prefix}_labelpresent_${sanitise(k)}`] = "true";
  }
  for (const [k, v] of Object.entries(annotations)) {
    out[`${prefix}_annotation_${sanitise(k)}`] = v;
    out[`${prefix}_annotationpresent_${sanitise(k)}`] = "true";
  }
  return out;
}

type TargetGroup = { targets: string[]; labels: Record<string, string> };

/** The __meta_kubernetes_pod_* labels of one container port of one replica. */
function podLabels(release: Release, w: Workload, replica: number, port: ContainerPort | undefined): Record<string, string> {
  return {
    __meta_kubernetes_namespace: release.namespace,
    __meta_kubernetes_pod_name: podName(w, replica),
    __meta_kubernetes_pod_ip: "127.0.0.1",
    __meta_kubernetes_pod_ready: "true",
    __meta_kubernetes_pod_phase: "Running",
    __meta_kubernetes_pod_node_name: "live-node",
    __meta_kubernetes_pod_host_ip: "127.0.0.1",
    __meta_kubernetes_pod_controller_kind: w.kind === "Deployment" ? "ReplicaSet" : w.kind,
    __meta_kubernetes_pod_controller_name: w.name,
    __meta_kubernetes_pod_container_name: w.container.name,
    ...(port ? { __meta_kubernetes_pod_container_port_name: port.name ?? "", __meta_kubernetes_pod_container_port_number: String(port.containerPort), __meta_kubernetes_pod_container_port_protocol: port.protocol ?? "TCP" } : {}),
    ...objectLabels("__meta_kubernetes_pod", w.podLabels, w.podAnnotations),
  };
}

/**
 * The targets Kubernetes SD (role pod, endpointslice, endpoints, service, node, ingress) would
 * produce in the release's namespace. Only the processes this harness runs are pods
 * (kube-state-metrics, Grafana, kubelets and workloads outside the release have none).
 */
function kubernetesTargets(release: Release, host: HostLayout, sd: Yaml, apps: string[]): TargetGroup[] {
  const role = String(sd["role"]);
  const namespaces = (sd["namespaces"] as { names?: string[] } | undefined)?.names;
  if (namespaces && !namespaces.includes(release.namespace)) return [];
  // No kubelet (role node) and no ingress controller (role ingress) run here: no targets.
  if (role === "node" || role === "ingress") return [];
  const running = [...release.workloads.values()].filter((w) => apps.includes(w.app));
  const groups: TargetGroup[] = [];
  if (role === "pod") {
    for (const w of running) {
      for (let replica = 0; replica < w.replicas; replica++) {
        for (const port of w.container.ports ?? []) {
          groups.push({ targets: [`127.0.0.1:${host.port(w.app, replica, port.containerPort)}`], labels: podLabels(release, w, replica, port) });
        }
      }
    }
    return groups;
  }
  for (const service of release.services) {
    const serviceLabels = { __meta_kubernetes_namespace: service.namespace, __meta_kubernetes_service_name: service.name, ...objectLabels("__meta_kubernetes_service", service.labels, service.annotations) };
    if (role === "service") {
      for (const p of service.ports) groups.push({ targets: [`${service.name}.${service.namespace}.svc:${p.port}`], labels: { ...serviceLabels, __meta_kubernetes_service_port_name: p.name ?? "", __meta_kubernetes_service_port_protocol: p.protocol ?? "TCP" } });
      continue;
    }
    if (role !== "endpointslice" && role !== "endpoints") throw new Error(`kubernetes_sd_configs role ${role} is not emulated by the live harness`);
    const slice = role === "endpointslice";
    const prefix = slice ? "__meta_kubernetes_endpointslice" : "__meta_kubernetes_endpoints";
    const endpoint = slice ? "__meta_kubernetes_endpointslice" : "__meta_kubernetes_endpoint";
    const w = running.find((x) => x === selectedWorkload(release, service));
    for (let replica = 0; w && replica < w.replicas; replica++) {
      for (const p of service.ports) {
        const containerPort = targetContainerPort(w, p);
        if (!containerPort) continue;
        const local = host.port(w.app, replica, containerPort.containerPort);
        groups.push({
          targets: [`127.0.0.1:${local}`],
          labels: {
            ...podLabels(release, w, replica, containerPort),
            ...serviceLabels,
            [`${prefix}_name`]: service.name,
            [`${endpoint}_port_name`]: p.name ?? "",
            [`${endpoint}_port_protocol`]: p.protocol ?? "TCP",
            [`${endpoint}_port`]: String(local),
            [slice ? `${prefix}_endpoint_conditions_ready` : `${endpoint}_ready`]: "true",
            [`${endpoint}_address_target_kind`]: "Pod",
            [`${endpoint}_address_target_name`]: podName(w, replica),
          },
        });
      }
    }
  }
  return groups;
}

// --- 4, 6: alertmanager.yml ----------------------------------------------------------------

/** Receiver integration keys and how each one's destination is set. */
const INTEGRATIONS: Record<string, { kind: SinkKind; url?: string; urlFile?: string }> = {
  webhook_configs: { kind: "webhook", url: "url", urlFile: "url_file" },
  slack_configs: { kind: "slack", url: "api_url", urlFile: "api_url_file" },
  pagerduty_configs: { kind: "pagerduty", url: "url" },
  discord_configs: { kind: "discord", url: "webhook_url", urlFile: "webhook_url_file" },
  msteams_configs: { kind: "msteams", url: "webhook_url", urlFile: "webhook_url_file" },
  msteamsv2_configs: { kind: "msteams", url: "webhook_url", urlFile: "webhook_url_file" },
  email_configs: { kind: "email" },
};

/** Every notification integration of an alertmanager.yml: (kind, receiver, index within the receiver). */
export function integrations(config: Yaml): Array<{ kind: SinkKind; receiver: string; index: number; key: string }> {
  const out: Array<{ kind: SinkKind; receiver: string; index: number; key: string }> = [];
  for (const receiver of (config["receivers"] as Yaml[] | undefined) ?? []) {
    let index = 0;
    for (const [key, value] of Object.entries(receiver)) {
      if (key === "name") continue;
      const integration = INTEGRATIONS[key];
      if (!integration) throw new Error(`receiver ${String(receiver["name"])}: ${key} has no local sink in the live harness`);
      for (let i = 0; i < (value as unknown[]).length; i++) out.push({ kind: integration.kind, receiver: String(receiver["name"]), index: index++, key });
    }
  }
  return out;
}

function localiseAlertmanager(release: Release, host: HostLayout, self: { w: Workload; replica: number }, paths: PathMap, config: Yaml): void {
  config["templates"] = ((config["templates"] as string[] | undefined) ?? []).map((t) => paths.map(t));
  // Secret files (passwords, routing keys, tokens): the mounted path, which a rendered or
  // declared Secret key must provide.
  const mapFiles = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(mapFiles);
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node as Yaml)) {
      if (/_file$/.test(key) && typeof value === "string") (node as Yaml)[key] = requireFile(paths.mounted(value, key), `${self.w.name}: ${key}`);
      else mapFiles(value);
    }
  };
  mapFiles(config["global"]);
  const byReceiver = new Map<string, number>();
  const urlFilesWritten = new Set<string>();
  for (const receiver of (config["receivers"] as Yaml[] | undefined) ?? []) {
    const name = String(receiver["name"]);
    for (const [key, list] of Object.entries(receiver)) {
      if (key === "name") continue;
      const integration = INTEGRATIONS[key]!;
      for (const item of list as Yaml[]) {
        mapFiles(item);
        const index = byReceiver.get(name) ?? 0;
        byReceiver.set(name, index + 1);
        const sink = host.sink(integration.kind, name, index);
        if (integration.kind === "pagerduty" && (item["service_key"] !== undefined || item["service_key_file"] !== undefined)) {
          host.notices.add(`receiver ${name}: PagerDuty Events API v1 (service_key) posts to events.pagerduty.com whatever url says: no local sink receives it`);
        }
        if (integration.kind === "email") {
          item["smarthost"] = sink;
          item["require_tls"] = false;
        } else if (integration.kind === "webhook" && typeof item["url"] === "string" && isClusterAddress(String(item["url"]))) {
          item["url"] = localUrl(release, host, self, String(item["url"]));
        } else if (integration.urlFile && typeof item[integration.urlFile] === "string" && !urlFilesWritten.has(String(item[integration.urlFile]))) {
          urlFilesWritten.add(String(item[integration.urlFile]));
          writeFileSync(String(item[integration.urlFile]), sink);
        } else {
          // A URL file shared with an integration handled before: this one gets its own sink
          // URL inline, so that arrivals can be told apart.
          if (integration.urlFile) delete item[integration.urlFile];
          item[integration.url!] = sink;
        }
      }
    }
  }
  if (host.timeScale !== 1) scaleRoute(host, (config["route"] ??= {}) as Yaml, true, haFloor(self.w));
}

/** (replicas - 1) x peer timeout + 5s: the shortest group_interval a replicated Alertmanager handles (see 6. above); 0 for one replica. */
function haFloor(w: Workload): number {
  const flag = (w.container.args ?? []).find((a) => a.startsWith("--cluster.peer-timeout="));
  const peerTimeout = parseDuration(flag ? flag.slice("--cluster.peer-timeout=".length) : "15s");
  return w.replicas > 1 ? (w.replicas - 1) * peerTimeout + 5_000 : 0;
}

function isClusterAddress(url: string): boolean {
  const hostname = new URL(url).hostname;
  return !hostname.includes(".") || /\.svc(\.cluster\.local)?$/.test(hostname);
}

function localUrl(release: Release, host: HostLayout, self: { w: Workload; replica: number }, url: string): string {
  const parsed = new URL(url);
  const port = parsed.port === "" ? (parsed.protocol === "https:" ? 443 : 80) : Number(parsed.port);
  const address = localAddress(release, host, self, `${parsed.hostname}:${port}`);
  return `http://${address}${parsed.pathname}${parsed.search}`;
}

function scaleRoute(host: HostLayout, route: Yaml, root: boolean, floorMs: number, path = "route"): void {
  const timers: Array<[string, string, number]> = [["group_wait", DEFAULTS.groupWait, 0], ["group_interval", DEFAULTS.groupInterval, floorMs], ["repeat_interval", DEFAULTS.repeatInterval, floorMs]];
  for (const [key, fallback, floor] of timers) {
    if (!root && route[key] === undefined) continue;
    const rendered = parseDuration(typeof route[key] === "string" ? route[key] : fallback);
    if (rendered < floor) {
      // The profile itself is below the floor: a property of the release, run as rendered and said.
      host.notices.add(`${path}.${key} ${formatDuration(rendered)} is below ${formatDuration(floor)} ((replicas - 1) x peer timeout + 5s): run as rendered, unscaled; its replicated Alertmanagers may notify a group twice`);
      route[key] = formatDuration(rendered);
      continue;
    }
    const ms = parseDuration(scaled(host, route[key], fallback));
    if (ms < floor) throw new Error(`time scale ${host.timeScale}: ${path}.${key} ${String(route[key] ?? fallback)} becomes ${formatDuration(ms)}, below ${formatDuration(floor)} ((replicas - 1) x peer timeout + 5s) that replicated Alertmanagers need to notify once; use slowestTimeScale()`);
    route[key] = formatDuration(ms);
  }
  ((route["routes"] as Yaml[] | undefined) ?? []).forEach((child, i) => scaleRoute(host, child, false, floorMs, `${path}.routes[${i}]`));
}

/**
 * The time scale to run a release at: `wanted`, or slower where the Alertmanager replicas'
 * floor (see 6. above) needs it, so that no route's group_interval or repeat_interval is
 * scaled below it. The caller prints the result and bounds it.
 */
export function slowestTimeScale(release: Release, renderedAlertmanagerConfig: string, wanted: number): number {
  const am = release.workloads.get("alertmanager");
  if (!am) return wanted;
  const floor = haFloor(am);
  const intervals: number[] = [];
  const collect = (route: Yaml, root: boolean): void => {
    for (const [key, fallback] of [["group_interval", DEFAULTS.groupInterval], ["repeat_interval", DEFAULTS.repeatInterval]] as const) {
      if (root || route[key] !== undefined) intervals.push(parseDuration(typeof route[key] === "string" ? route[key] : fallback));
      // Intervals already below the floor are run unscaled (see scaleRoute).
      if (intervals.at(-1)! <= floor) intervals.pop();
    }
    ((route["routes"] as Yaml[] | undefined) ?? []).forEach((child) => collect(child, false));
  };
  collect(((parse(renderedAlertmanagerConfig) as Yaml)["route"] as Yaml | undefined) ?? {}, true);
  // Rounding to whole milliseconds must not take a value below the floor either.
  return Math.max(wanted, ...intervals.map((ms) => (floor + 1) / ms));
}
