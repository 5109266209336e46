// One running pipeline for one profile: node-exporter, Prometheus, the Alertmanager
// replicas (gossiping), the alert receiver when the release has one, the local sinks and the
// fixture exporter, all on 127.0.0.1, all built from one `helm template` of the profile.
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { configMapData, helmTemplate, NAMESPACE, parseObjects } from "../helpers/render.js";
import { FixtureExporter, fixtureRules } from "./fixtures.js";
import { integrations, localise, slowestTimeScale, type LocalProcess } from "./localise.js";
import { binary, type Platform } from "./platform.js";
import { freePort } from "./ports.js";
import { MEMORY_CGROUP_ROOT, Proc, type Confinement } from "./processes.js";
import { declaredSecrets } from "./secrets-example.js";
import { HttpSink, Recorder, SmtpSink, type Arrival } from "./sinks.js";
import { readRelease, workload, type Release, type Workload } from "./workloads.js";
import { formatDuration, parseDuration } from "./duration.js";

/** The release name the profiles' in-cluster URLs are written for ("monitoring-alert-receiver..."). */
export const LIVE_RELEASE = "monitoring";
export const LIVE_NAMESPACE = NAMESPACE;

/** The slowest time scale a stack may need for its replicated Alertmanagers (see localise.ts, 6.) before the test takes too long. */
export const SLOWEST_TIME_SCALE = 1 / 5;

export interface StackOptions {
  profile: string;
  platform: Platform;
  /** See localise.ts: 1 runs the profile's own timings. */
  timeScale: number;
  /** Extra `helm template` arguments (e.g. a replica count), named in the test title. */
  helmArgs?: string[];
  keepFiles?: boolean;
}

const PROGRAMS = ["node-exporter", "prometheus", "alertmanager", "alert-receiver"] as const;

export interface Member {
  replica: number;
  url: string;
  proc: Proc;
}

export class Stack {
  readonly recorder = new Recorder();
  readonly exporter = new FixtureExporter();
  readonly alertmanagers: Member[] = [];
  prometheus!: Member;
  nodeExporter!: Member;
  receiver: Member | undefined;
  release!: Release;
  /** alertmanager.yml and prometheus.yml exactly as rendered. */
  renderedAlertmanagerConfig!: string;
  renderedPrometheusConfig!: string;
  /** Whether the profile's rules include a node-down alert (else the fixture supplies one). */
  nodeDownAlert!: string;
  /** Operator mode: the PrometheusRule objects' groups, as rule files (name -> YAML). */
  operatorRules = new Map<string, string>();
  /** Operator mode: the config of the Prometheus that stands in for the user's operator-managed one. */
  private harnessPrometheusConfig: string | undefined;
  /** The time scale the stack runs at: the requested one, or slower where HA Alertmanagers need it. */
  timeScale!: number;
  readonly dir: string;
  /** Every process this stack started, restarted ones included. */
  readonly everyProc: Proc[] = [];
  /** When the stack was started (ms since the epoch). */
  readonly startedAt = Date.now();
  /** This stack's memory cgroups (one per process). */
  private readonly cgroupParent: string;
  private readonly http = new HttpSink(this.recorder);
  private readonly smtp: SmtpSink[] = [];
  private readonly ports = new Map<string, number>();
  private processes: LocalProcess[] = [];

  private constructor(readonly options: StackOptions) {
    this.dir = mkdtempSync(join(tmpdir(), "promstack-live-"));
    // The pods' users read their config below this directory.
    chmodSync(this.dir, 0o755);
    this.cgroupParent = join(MEMORY_CGROUP_ROOT, `promstack-live-${process.pid}-${this.dir.slice(-6)}`);
  }

  static async start(options: StackOptions): Promise<Stack> {
    const stack = new Stack(options);
    try {
      await stack.boot();
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  private async boot(): Promise<void> {
    const objects = parseObjects(helmTemplate([this.options.profile], this.options.helmArgs ?? [], LIVE_RELEASE));
    this.release = readRelease(objects, LIVE_RELEASE, LIVE_NAMESPACE);
    const am = workload(this.release, "alertmanager");
    this.renderedAlertmanagerConfig = configMapData(objects, am.volumes.find((v) => v.configMap)!.configMap!.name, "alertmanager.yml");
    this.operatorRules = operatorRuleFiles(objects);
    if (this.release.workloads.has("prometheus")) {
      const prom = workload(this.release, "prometheus");
      this.renderedPrometheusConfig = configMapData(objects, prom.volumes.find((v) => v.configMap)!.configMap!.name, "prometheus.yml");
    } else if (this.operatorRules.size === 0) {
      throw new Error(`${this.options.profile}: the release renders neither a Prometheus nor PrometheusRule objects`);
    }
    this.nodeDownAlert = profileNodeDownAlert(this.release) ?? "LiveNodeExporterDown";
    this.timeScale = slowestTimeScale(this.release, this.renderedAlertmanagerConfig, this.options.timeScale);
    // The bound is for a scale forced on a run that asked for a faster one (the bench asks for real time).
    if (this.timeScale > Math.max(SLOWEST_TIME_SCALE, this.options.timeScale)) throw new Error(`${this.options.profile}: its replicated Alertmanagers need time scale ${this.timeScale.toFixed(3)}, slower than the bound ${SLOWEST_TIME_SCALE}`);
    console.log(`      ${this.options.profile.replace(/.*\//, "")}: timings x ${this.timeScale.toFixed(4)} (1/${(1 / this.timeScale).toFixed(1)})${this.timeScale > this.options.timeScale ? `, slower than the requested 1/${Math.round(1 / this.options.timeScale)} so that group_interval stays above the Alertmanager replicas' peer-timeout floor` : ""}`);

    await this.http.start();
    await this.exporter.start();
    for (const i of integrations(parse(this.renderedAlertmanagerConfig) as Record<string, unknown>)) {
      if (i.kind !== "email") continue;
      const sink = new SmtpSink(this.recorder, i.receiver, i.index);
      await sink.start();
      this.smtp.push(sink);
    }
    const apps = PROGRAMS.filter((app) => this.release.workloads.has(app));
    for (const app of apps) await this.allocatePorts(workload(this.release, app));

    const notices = new Set<string>();
    // Free now and never listened on by this stack.
    const closedPort = await freePort({ udp: false });
    this.processes = localise(
      this.release,
      {
        dir: this.dir,
        port: (app, replica, containerPort) => {
          const port = this.ports.get(`${app}/${replica}/${containerPort}`);
          if (port === undefined) throw new Error(`no local port for ${app}-${replica}:${containerPort}`);
          return port;
        },
        sink: (kind, receiver, index) => {
          if (kind !== "email") return this.http.url(kind, receiver, index);
          const smtp = this.smtp.find((s) => s.receiver === receiver && s.index === index);
          if (!smtp) throw new Error(`no SMTP sink for ${receiver}/${index}`);
          return `127.0.0.1:${smtp.port}`;
        },
        timeScale: this.timeScale,
        notices,
        closedPort,
        declaredSecrets: declaredSecrets(this.options.profile.replace(/\.ya?ml$/, ".secrets.example")),
        fixtureRules: fixtureRules({ nodeDownRule: this.nodeDownAlert === "LiveNodeExporterDown" }),
        fixtureTarget: `127.0.0.1:${this.exporter.port}`,
      },
      [...apps],
    );

    for (const notice of notices) console.log(`      ${this.options.profile.replace(/.*\//, "")}: ${notice}`);
    if (apps.includes("node-exporter")) this.nodeExporter = await this.launch("node-exporter", 0);
    if (apps.includes("alert-receiver")) {
      this.receiver = await this.launch("alert-receiver", 0);
      this.receiver.proc.onLine((line) => this.receiverLine(line));
    }
    for (let replica = 0; replica < am.replicas; replica++) this.alertmanagers.push(await this.launch("alertmanager", replica));
    this.prometheus = apps.includes("prometheus") ? await this.launch("prometheus", 0) : await this.launchHarnessPrometheus();
  }

  /**
   * Operator mode (the release renders PrometheusRule objects for the user's own Prometheus
   * Operator and no Prometheus): a Prometheus of the harness, named as such, stands in for the
   * user's. It loads the PrometheusRule groups as the operator does (spec.groups as a rule
   * file), scrapes the fixture exporter and alerts the release's Alertmanagers. Its intervals
   * are kube-prometheus-stack's defaults (30s), scaled like everything else.
   */
  private async launchHarnessPrometheus(): Promise<Member> {
    const base = join(this.dir, "harness-prometheus");
    const rulesDir = join(base, "rules");
    mkdirSync(join(base, "data"), { recursive: true });
    mkdirSync(rulesDir, { recursive: true });
    const ruleFiles: string[] = [];
    for (const [name, text] of this.operatorRules) {
      const file = join(rulesDir, `${name}.yaml`);
      writeFileSync(file, text);
      rewriteRuleTimes(file, this.timeScale);
      ruleFiles.push(file);
    }
    const fixture = join(this.dir, "fixture-rules", "live-fixture.rules.yaml");
    if (existsSync(fixture)) ruleFiles.push(fixture);
    const interval = formatDuration(30_000 * this.timeScale);
    const port = await freePort();
    const config = {
      global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
      rule_files: ruleFiles,
      alerting: { alertmanagers: [{ api_version: "v2", static_configs: [{ targets: this.alertmanagers.map((m) => new URL(m.url).host) }] }] },
      scrape_configs: [{ job_name: "live-fixture", honor_labels: true, static_configs: [{ targets: [`127.0.0.1:${this.exporter.port}`] }] }],
    };
    this.harnessPrometheusConfig = join(base, "prometheus.yml");
    writeFileSync(this.harnessPrometheusConfig, stringify(config));
    this.renderedPrometheusConfig = stringify(config);
    chownSync(join(base, "data"), 65534, 65534);
    const cwd = join(base, "cwd");
    mkdirSync(cwd);
    chmodSync(cwd, 0o555);
    const proc = new Proc("harness-prometheus-0", binary("prometheus", this.options.platform)[0]!, [...binary("prometheus", this.options.platform).slice(1), `--config.file=${this.harnessPrometheusConfig}`, `--storage.tsdb.path=${join(base, "data")}`, `--web.listen-address=127.0.0.1:${port}`], {
      cwd,
      logFile: join(this.dir, "harness-prometheus-0.log"),
      confinement: { uid: 65534, gid: 65534, groups: [65534], cgroup: join(this.cgroupParent, "harness-prometheus-0"), memoryBytes: -1 },
    });
    const url = `http://127.0.0.1:${port}`;
    await waitUntil(async () => {
      if (!proc.alive) throw new Error(`harness Prometheus exited:\n${proc.tail()}`);
      return (await get(`${url}/-/ready`)).status === 200;
    }, 120_000 * this.options.platform.slowdown, "harness Prometheus ready");
    return { replica: 0, url, proc };
  }

  private async allocatePorts(w: Workload): Promise<void> {
    const numbers = new Map<number, boolean>();
    for (const p of w.container.ports ?? []) numbers.set(p.containerPort, (numbers.get(p.containerPort) ?? false) || p.protocol === "UDP");
    for (let replica = 0; replica < w.replicas; replica++) {
      for (const [containerPort, udp] of numbers) this.ports.set(`${w.app}/${replica}/${containerPort}`, await freePort({ udp }));
    }
  }

  /** Starts (or restarts) one replica with the args the rewrite produced, and waits until its readiness probe passes. */
  async launch(app: string, replica: number): Promise<Member> {
    const spec = this.processes.find((p) => p.app === app && p.replica === replica);
    if (!spec) throw new Error(`no process ${app}-${replica}`);
    const w = workload(this.release, app);
    let command: string[];
    if (spec.command.length === 0) command = binary(app, this.options.platform);
    else if (spec.command[0] === "node") command = [process.execPath, ...spec.command.slice(1)];
    else throw new Error(`${app}: cannot run container command ${spec.command.join(" ")} on the host`);
    // As the pod runs it: its user, its fsGroup owning the writable volumes, a working
    // directory nobody may write (readOnlyRootFilesystem), and its memory limit.
    const base = join(this.dir, `${app}-${replica}`);
    const cwd = join(base, "cwd");
    mkdirSync(cwd, { recursive: true });
    chmodSync(cwd, 0o555);
    const user = podUser(w);
    giveVolumesToPod(base, w, user.fsGroup);
    const memoryLimit = w.container.resources?.limits?.["memory"];
    const confinement: Confinement = {
      uid: user.uid,
      gid: user.gid,
      groups: user.fsGroup !== undefined ? [user.fsGroup] : [user.gid],
      cgroup: join(this.cgroupParent, `${app}-${replica}`),
      // Under QEMU the emulator's translation cache would count against the program's limit.
      memoryBytes: memoryLimit && this.options.platform.slowdown === 1 ? quantityBytes(memoryLimit) : -1,
    };
    const proc = new Proc(`${app}-${replica}`, command[0]!, [...command.slice(1), ...spec.args], {
      cwd,
      logFile: join(this.dir, `${app}-${replica}.log`),
      confinement,
    });
    this.everyProc.push(proc);
    const probe = (w.container as { readinessProbe?: { httpGet?: { path: string; port: string | number } } }).readinessProbe?.httpGet;
    const portNumber = (w.container.ports ?? []).find((p) => p.name === probe?.port || p.containerPort === probe?.port)?.containerPort ?? w.container.ports?.[0]?.containerPort;
    const url = `http://127.0.0.1:${this.ports.get(`${app}/${replica}/${portNumber}`)}`;
    await waitUntil(async () => {
      if (!proc.alive) throw new Error(`${app}-${replica} exited:\n${proc.tail()}`);
      return (await get(`${url}${probe?.path ?? "/"}`)).status === 200;
    }, 120_000 * this.options.platform.slowdown, `${app}-${replica} ready`);
    return { replica, url, proc };
  }

  async restartAlertmanager(replica: number): Promise<Member> {
    const member = await this.launch("alertmanager", replica);
    this.alertmanagers[this.alertmanagers.findIndex((m) => m.replica === replica)] = member;
    return member;
  }

  private receiverLine(line: string): void {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    if (record["msg"] !== "alert") return;
    this.recorder.record({ kind: "alert-receiver", receiver: String(record["receiver"]), index: 0, at: Date.now(), json: record });
  }

  /** The profile's alerting rules: the rendered rule-file ConfigMaps, and in operator mode the PrometheusRule objects. */
  get profileAlertRules(): Map<string, { configMap: string; expr: string; for: number }> {
    const out = renderedAlertRules(this.release);
    for (const [name, text] of this.operatorRules) for (const [alert, rule] of alertRulesOf(text, `PrometheusRule ${name}`)) out.set(alert, rule);
    return out;
  }

  /** The localised config file (--config.file) of replica 0 of `app`, parsed. */
  localConfig(app: "prometheus" | "alertmanager"): Record<string, unknown> {
    if (app === "prometheus" && this.harnessPrometheusConfig) return parse(readFileSync(this.harnessPrometheusConfig, "utf8")) as Record<string, unknown>;
    const spec = this.processes.find((p) => p.app === app && p.replica === 0);
    const flag = spec?.args.find((a) => a.startsWith("--config.file="));
    if (!flag) throw new Error(`${app} has no --config.file`);
    return parse(readFileSync(flag.slice("--config.file=".length), "utf8")) as Record<string, unknown>;
  }

  /** A flag of the rendered Alertmanager args, e.g. --cluster.peer-timeout. */
  alertmanagerFlag(name: string): string | undefined {
    const arg = (workload(this.release, "alertmanager").container.args ?? []).find((a) => a.startsWith(`${name}=`));
    return arg?.slice(name.length + 1);
  }

  get arrivals(): Arrival[] {
    return this.recorder.arrivals;
  }

  /** Every process log, for a failed test's report. */
  logTails(lines = 15): string {
    const members = [this.nodeExporter, this.prometheus, this.receiver, ...this.alertmanagers].filter((m): m is Member => m !== undefined);
    return members.map((m) => `--- ${m.proc.name} (${this.dir})\n${m.proc.tail(lines)}`).join("\n");
  }

  async stop(): Promise<void> {
    const members = [this.prometheus, ...this.alertmanagers, this.receiver, this.nodeExporter].filter((m): m is Member => m !== undefined);
    await Promise.all(members.map((m) => m.proc.stop()));
    await Promise.allSettled([this.http.stop(), this.exporter.stop(), ...this.smtp.map((s) => s.stop())]);
    if (!this.options.keepFiles) rmSync(this.dir, { recursive: true, force: true });
    if (existsSync(this.cgroupParent)) {
      for (const child of readdirSync(this.cgroupParent, { withFileTypes: true })) if (child.isDirectory()) await removeCgroup(join(this.cgroupParent, child.name));
      await removeCgroup(this.cgroupParent);
    }
  }

  /** The confinement of every running process, as the kernel reports it. */
  confinements(): Array<{ name: string; workload: Workload; confined: ReturnType<Proc["confined"]>; oomKills: number }> {
    const members = [this.nodeExporter, this.prometheus, this.receiver, ...this.alertmanagers].filter((m): m is Member => m !== undefined);
    // The harness's own Prometheus (operator mode) is no pod of the release.
    return members.filter((m) => this.release.workloads.has(m.proc.name.replace(/-\d+$/, ""))).map((m) => ({ name: m.proc.name, workload: workload(this.release, m.proc.name.replace(/-\d+$/, "")), confined: m.proc.confined(), oomKills: m.proc.oomKills() }));
  }
}

/** The pod's user (runAsUser/runAsGroup, container before pod) and fsGroup. Root is refused: the chart runs nothing as root. */
export function podUser(w: Workload): { uid: number; gid: number; fsGroup: number | undefined } {
  const uid = w.container.securityContext?.runAsUser ?? w.podSecurity.runAsUser;
  const gid = w.container.securityContext?.runAsGroup ?? w.podSecurity.runAsGroup ?? uid;
  if (uid === undefined || uid === 0) throw new Error(`${w.name}: runs as ${uid === 0 ? "root" : "the image's user (no runAsUser)"}; the live harness runs each process as the non-root user its pod names`);
  return { uid, gid: gid!, fsGroup: w.podSecurity.fsGroup };
}

/**
 * Volume directories as the kubelet leaves them. With an fsGroup: everything group-owned by
 * it, emptyDirs and claims group-writable (setgid), ConfigMap and Secret files read-only.
 * Without one: emptyDirs world-writable (as the kubelet makes them), claims owned by root
 * 0755 (a freshly formatted volume of most storage drivers), so a pod that needs an fsGroup
 * to write its data fails here as it would there.
 */
function giveVolumesToPod(base: string, w: Workload, fsGroup: number | undefined): void {
  const volumes = join(base, "volumes");
  if (!existsSync(volumes)) return;
  const walk = (path: string, mode: "read" | "group" | "root" | "world"): void => {
    const stat = lstatSync(path);
    chownSync(path, 0, fsGroup ?? 0);
    if (stat.isDirectory()) {
      chmodSync(path, { read: 0o755, group: 0o2775, root: 0o755, world: 0o1777 }[mode]);
      for (const entry of readdirSync(path)) walk(join(path, entry), mode);
    } else if (stat.isFile()) chmodSync(path, { read: 0o444, group: 0o664, root: 0o644, world: 0o666 }[mode]);
  };
  for (const name of readdirSync(volumes)) {
    const volume = w.volumes.find((v) => v.name === name);
    const claim = w.claimTemplates.includes(name) || volume?.persistentVolumeClaim !== undefined;
    const writable = claim || volume?.emptyDir !== undefined;
    walk(join(volumes, name), !writable ? "read" : fsGroup !== undefined ? "group" : claim ? "root" : "world");
  }
}

/** A Kubernetes memory quantity (128Mi, 1Gi, 500M, 1e9) in bytes. */
export function quantityBytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|e\d+)?$/.exec(quantity);
  if (!m) throw new Error(`not a memory quantity: ${quantity}`);
  const unit = m[2] ?? "";
  const factor = unit.startsWith("e") ? 10 ** Number(unit.slice(1)) : ({ "": 1, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, k: 1e3, M: 1e6, G: 1e9, T: 1e12 } as Record<string, number>)[unit]!;
  return Math.round(Number(m[1]) * factor);
}

/** PrometheusRule objects' spec (their groups) as rule files, as the Prometheus Operator writes them: name -> YAML. */
function operatorRuleFiles(objects: Array<{ kind: string; metadata: { name: string } } & Record<string, unknown>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of objects) if (o.kind === "PrometheusRule") out.set(o.metadata.name, stringify({ groups: (o["spec"] as { groups?: unknown[] } | undefined)?.groups ?? [] }));
  return out;
}

/** Rule `for` and group `interval` of a rule file, scaled (see localise.ts, 6.). */
function rewriteRuleTimes(file: string, timeScale: number): void {
  if (timeScale === 1) return;
  const rules = parse(readFileSync(file, "utf8")) as { groups?: Array<Record<string, unknown> & { rules?: Array<Record<string, unknown>> }> };
  for (const group of rules.groups ?? []) {
    if (typeof group["interval"] === "string") group["interval"] = formatDuration(parseDuration(group["interval"]) * timeScale);
    for (const rule of group.rules ?? []) for (const key of ["for", "keep_firing_for"]) if (typeof rule[key] === "string") rule[key] = formatDuration(parseDuration(rule[key] as string) * timeScale);
  }
  writeFileSync(file, stringify(rules));
}

/** Alerting rules of the rendered rule files (any ConfigMap key *.yaml holding rule groups): alert name -> ConfigMap. */
export function renderedAlertRules(release: Release): Map<string, { configMap: string; expr: string; for: number }> {
  const out = new Map<string, { configMap: string; expr: string; for: number }>();
  for (const [name, data] of release.configMaps) {
    for (const [key, text] of Object.entries(data)) {
      if (!/\.ya?ml$/.test(key) || !/^groups:/m.test(text)) continue;
      for (const [alert, rule] of alertRulesOf(text, name)) out.set(alert, rule);
    }
  }
  return out;
}

function alertRulesOf(text: string, source: string): Map<string, { configMap: string; expr: string; for: number }> {
  const out = new Map<string, { configMap: string; expr: string; for: number }>();
  const groups = (parse(text) as { groups?: Array<{ rules?: Array<{ alert?: string; expr?: string; for?: string }> }> }).groups ?? [];
  for (const rule of groups.flatMap((g) => g.rules ?? [])) if (rule.alert) out.set(rule.alert, { configMap: source, expr: String(rule.expr ?? ""), for: rule.for ? parseDuration(rule.for) : 0 });
  return out;
}

/** The alert of the profile's rendered rules that fires when node-exporter is down, if any. */
function profileNodeDownAlert(release: Release): string | undefined {
  for (const [alert, { expr }] of renderedAlertRules(release)) {
    if (/^up\{job="node-exporter"\}\s*==\s*0$/.test(expr.replace(/\s+/g, " ").trim())) return alert;
  }
  return undefined;
}

export async function get(url: string, init?: RequestInit): Promise<{ status: number; body: string }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.text() };
  } catch {
    return { status: 0, body: "" };
  }
}

export async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await get(url, init);
  if (res.status < 200 || res.status > 299) throw new Error(`${init?.method ?? "GET"} ${url}: ${res.status} ${res.body}`);
  return JSON.parse(res.body) as T;
}

/** Polls `check` until it returns true; throws with `what` after `ms`. */
export async function waitUntil(check: () => Promise<boolean> | boolean, ms: number, what: string, everyMs = 250): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out after ${Math.round(ms / 1000)}s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Removes a memory cgroup once its tasks are gone. A stopped process's threads can leave the
 * cgroup a moment after it exits (slowly under qemu), and rmdir says EBUSY until then; what
 * is still there after the wait is killed, so the host is left clean either way.
 */
async function removeCgroup(dir: string, waitMs = 10_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EBUSY" || Date.now() > deadline + 5_000) throw error;
    }
    const pids = readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
    if (Date.now() > deadline) for (const pid of pids) try { process.kill(pid, "SIGKILL"); } catch { /* already gone */ }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
