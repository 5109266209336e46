// One running pipeline for one profile: node-exporter, Prometheus, the Alertmanager
// replicas (gossiping), the alert receiver when the release has one, the local sinks and the
// fixture exporter, all on 127.0.0.1, all built from one `helm template` of the profile.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { configMapData, helmTemplate, NAMESPACE, parseObjects } from "../helpers/render.js";
import { FixtureExporter, fixtureRules } from "./fixtures.js";
import { integrations, localise, type LocalProcess } from "./localise.js";
import { binary, type Platform } from "./platform.js";
import { freePort } from "./ports.js";
import { Proc } from "./processes.js";
import { HttpSink, Recorder, SmtpSink, type Arrival } from "./sinks.js";
import { readRelease, workload, type Release, type Workload } from "./workloads.js";

/** The release name the profiles' in-cluster URLs are written for ("monitoring-alert-receiver..."). */
export const LIVE_RELEASE = "monitoring";
export const LIVE_NAMESPACE = NAMESPACE;

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
  readonly dir: string;
  private readonly http = new HttpSink(this.recorder);
  private readonly smtp: SmtpSink[] = [];
  private readonly ports = new Map<string, number>();
  private processes: LocalProcess[] = [];

  private constructor(readonly options: StackOptions) {
    this.dir = mkdtempSync(join(tmpdir(), "promstack-live-"));
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
    const prom = workload(this.release, "prometheus");
    this.renderedAlertmanagerConfig = configMapData(objects, am.volumes.find((v) => v.configMap)!.configMap!.name, "alertmanager.yml");
    this.renderedPrometheusConfig = configMapData(objects, prom.volumes.find((v) => v.configMap)!.configMap!.name, "prometheus.yml");
    this.nodeDownAlert = profileNodeDownAlert(this.release) ?? "LiveNodeExporterDown";

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
        timeScale: this.options.timeScale,
        fixtureRules: fixtureRules({ nodeDownRule: this.nodeDownAlert === "LiveNodeExporterDown" }),
        fixtureTarget: `127.0.0.1:${this.exporter.port}`,
      },
      [...apps],
    );

    this.nodeExporter = await this.launch("node-exporter", 0);
    if (apps.includes("alert-receiver")) {
      this.receiver = await this.launch("alert-receiver", 0);
      this.receiver.proc.onLine((line) => this.receiverLine(line));
    }
    for (let replica = 0; replica < am.replicas; replica++) this.alertmanagers.push(await this.launch("alertmanager", replica));
    this.prometheus = await this.launch("prometheus", 0);
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
    const cwd = join(this.dir, `${app}-${replica}`);
    mkdirSync(cwd, { recursive: true });
    const proc = new Proc(`${app}-${replica}`, command[0]!, [...command.slice(1), ...spec.args], {
      cwd,
      logFile: join(this.dir, `${app}-${replica}.log`),
    });
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

  /** The localised config file (--config.file) of replica 0 of `app`, parsed. */
  localConfig(app: "prometheus" | "alertmanager"): Record<string, unknown> {
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
  }
}

/** Alerting rules of the rendered rule files (any ConfigMap key *.yaml holding rule groups): alert name -> ConfigMap. */
export function renderedAlertRules(release: Release): Map<string, { configMap: string; expr: string }> {
  const out = new Map<string, { configMap: string; expr: string }>();
  for (const [name, data] of release.configMaps) {
    for (const [key, text] of Object.entries(data)) {
      if (!/\.ya?ml$/.test(key) || !/^groups:/m.test(text)) continue;
      const groups = (parse(text) as { groups?: Array<{ rules?: Array<{ alert?: string; expr?: string }> }> }).groups ?? [];
      for (const rule of groups.flatMap((g) => g.rules ?? [])) if (rule.alert) out.set(rule.alert, { configMap: name, expr: String(rule.expr ?? "") });
    }
  }
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
