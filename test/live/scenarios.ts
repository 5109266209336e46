// The live scenarios, run against one Stack per profile and platform. Each scenario asserts
// on what the upstream programs did: Alertmanager's API, Prometheus' API, and what arrived
// at the chart's alert receiver and the local sinks.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../helpers/tools.js";
import { parse } from "yaml";
import { parseDuration } from "./duration.js";
import { arrivalText, deliveriesOf, describeDelivery, isDelivery, routedReceivers, statusOf, type Delivery } from "./deliveries.js";
import { FIXTURE_ALERT } from "./fixtures.js";
import type { Arrival } from "./sinks.js";
import { isTemplated, templateMismatches, type TemplateData } from "./templates.js";
import { get, getJson, podUser, quantityBytes, Stack, waitUntil, type Member, type StackOptions } from "./stack.js";
import { basename } from "node:path";
import { statSync } from "node:fs";
import { fidelityDir, loadFidelityTable } from "../helpers/fidelity.js";
import { PROFILE_DRIVES } from "./profile-drives.js";
import { generalDashboardQueries, substituted } from "./dashboards.js";
import { workload } from "./workloads.js";

/** See localise.ts: the profiles' 30s intervals and 5m group_interval, 30 times shorter. */
export const TIME_SCALE = 1 / 30;

export interface ScenarioOptions extends StackOptions {
  title: string;
  /** Scenario numbers to run (1 cluster, 2 fire, 3 resolve, 4 silence, 5 inhibition, 6 burst with a crash, 7 the profile's own alerts against its fidelity table, 8 every general dashboard query has data). */
  scenarios: number[];
}

interface AmStatus {
  cluster: { name: string; status: string; peers: Array<{ name: string; address: string }> };
}

interface AmAlert {
  labels: Record<string, string>;
  fingerprint: string;
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
}

interface Silence {
  id: string;
  status: { state: string };
  matchers: Array<{ name: string; value: string }>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function amStatus(m: Member): Promise<AmStatus> {
  return getJson<AmStatus>(`${m.url}/api/v2/status`);
}

async function amAlerts(m: Member, filter: string): Promise<AmAlert[]> {
  return getJson<AmAlert[]>(`${m.url}/api/v2/alerts?filter=${encodeURIComponent(filter)}`);
}

async function silences(m: Member): Promise<Silence[]> {
  return getJson<Silence[]>(`${m.url}/api/v2/silences`);
}

async function createSilence(m: Member, matchers: Record<string, string>, comment: string): Promise<string> {
  const body = {
    matchers: Object.entries(matchers).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    createdBy: "promstack live test",
    comment,
  };
  const res = await getJson<{ silenceID: string }>(`${m.url}/api/v2/silences`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  return res.silenceID;
}

interface LoadedRule {
  name: string;
  type: string;
  health: string;
  lastError?: string;
}

async function loadedRules(stack: Stack): Promise<Array<LoadedRule & { file: string }>> {
  const res = await getJson<{ data: { groups: Array<{ file: string; rules: LoadedRule[] }> } }>(`${stack.prometheus.url}/api/v1/rules`);
  return res.data.groups.flatMap((g) => g.rules.map((r) => ({ ...r, file: g.file })));
}

async function promQuery(stack: Stack, query: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
  const res = await getJson<{ data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } }>(
    `${stack.prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`,
  );
  return res.data.result;
}

interface AlertGroup {
  labels: Record<string, string>;
  receiver: { name: string };
  alerts: Array<AmAlert & { annotations: Record<string, string>; startsAt: string; endsAt: string; generatorURL: string }>;
}

/** Labels (or annotations) every alert of a group shares. */
function common(maps: Array<Record<string, string>>): Record<string, string> {
  const [first = {}, ...rest] = maps;
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((m) => m[k] === v)));
}

/** template.Data (without externalURL) of the group a receiver notifies, as Alertmanager holds it. */
async function templateData(m: Member, alertname: string, receiver: string): Promise<Omit<TemplateData, "externalURL">> {
  const groups = await getJson<AlertGroup[]>(`${m.url}/api/v2/alerts/groups?filter=${encodeURIComponent(`alertname="${alertname}"`)}&receiver=${encodeURIComponent(`^${receiver}$`)}`);
  const group = groups.find((g) => g.receiver.name === receiver);
  if (!group) throw new Error(`no alert group of ${alertname} for receiver ${receiver}`);
  const alerts = group.alerts.map((a) => ({ status: "firing", labels: a.labels, annotations: a.annotations, startsAt: a.startsAt, endsAt: a.endsAt, generatorURL: a.generatorURL, fingerprint: a.fingerprint }));
  return { receiver, status: "firing", alerts, groupLabels: group.labels, commonLabels: common(alerts.map((a) => a.labels)), commonAnnotations: common(alerts.map((a) => a.annotations)) };
}

/** Credentials the rendered config reads from files (*_file) that reached the sink: a PagerDuty routing key, an SMTP login. */
function secretMismatches(localConfig: Record<string, unknown>, arrival: Arrival): string[] {
  const receivers = (localConfig["receivers"] as Array<Record<string, unknown>> | undefined) ?? [];
  const receiver = receivers.find((r) => r["name"] === arrival.receiver) ?? {};
  const item = Object.entries(receiver).filter(([k]) => k !== "name").flatMap(([, list]) => list as Array<Record<string, unknown>>)[arrival.index] ?? {};
  const global = (localConfig["global"] as Record<string, unknown> | undefined) ?? {};
  const problems: string[] = [];
  if (arrival.kind === "pagerduty" && typeof item["routing_key_file"] === "string") {
    const key = readFileSync(item["routing_key_file"], "utf8").trim();
    if (arrival.json?.["routing_key"] !== key) problems.push(`pagerduty routing_key ${String(arrival.json?.["routing_key"])} is not the content of routing_key_file`);
  }
  if (arrival.kind === "email" && arrival.mail) {
    const to = String(item["to"]).split(",").map((a) => a.trim()).sort();
    if (JSON.stringify([...arrival.mail.envelopeTo].sort()) !== JSON.stringify(to)) problems.push(`email to ${arrival.mail.envelopeTo.join(",")}, config says ${to.join(",")}`);
    const passwordFile = item["auth_password_file"] ?? global["smtp_auth_password_file"];
    if (typeof passwordFile === "string") {
      const password = readFileSync(passwordFile, "utf8").trim();
      if (arrival.mail.auth?.password !== password) problems.push("SMTP login did not use the password from the Secret file");
      const username = item["auth_username"] ?? global["smtp_auth_username"];
      if (arrival.mail.auth?.username !== username) problems.push(`SMTP login as ${arrival.mail.auth?.username}, config says ${String(username)}`);
    }
  }
  return problems;
}

/** The stack's effective timings, read from the localised configs. */
interface Timings {
  scrape: number;
  evaluation: number;
  groupWait: number;
  groupInterval: number;
  /** How long another replica waits before it sends what a dead or silent peer did not. */
  dedupWindow: number;
}

function timings(stack: Stack): Timings {
  const prom = stack.localConfig("prometheus") as { global: Record<string, string> };
  const am = stack.localConfig("alertmanager") as { route: Record<string, unknown> };
  const routeTimes = (route: Record<string, unknown>, key: string): number[] => [
    ...(typeof route[key] === "string" ? [parseDuration(route[key])] : []),
    ...((route["routes"] as Array<Record<string, unknown>> | undefined) ?? []).flatMap((r) => routeTimes(r, key)),
  ];
  const peerTimeout = parseDuration(stack.alertmanagerFlag("--cluster.peer-timeout") ?? "15s");
  return {
    scrape: parseDuration(prom.global["scrape_interval"]!),
    evaluation: parseDuration(prom.global["evaluation_interval"]!),
    groupWait: Math.max(...routeTimes(am.route, "group_wait")),
    groupInterval: Math.max(...routeTimes(am.route, "group_interval")),
    dedupWindow: peerTimeout * (stack.alertmanagers.length - 1) + 5_000,
  };
}

/** Arrivals about the alert(s) carrying `token` (a label value: the receiver's log has labels; sinks have rendered text). */
function about(arrivals: Arrival[], token: string): Arrival[] {
  return arrivals.filter((a) => (a.kind === "alert-receiver" ? Object.values((a.json?.["labels"] as Record<string, string>) ?? {}).includes(token) : arrivalText(a).includes(token)));
}

function countsPerDelivery(arrivals: Arrival[], deliveries: Delivery[]): Record<string, number> {
  return Object.fromEntries(deliveries.map((d) => [describeDelivery(d), arrivals.filter((a) => isDelivery(a, d)).length]));
}

function exactlyOnce(deliveries: Delivery[]): Record<string, number> {
  return Object.fromEntries(deliveries.map((d) => [describeDelivery(d), 1]));
}

/**
 * Labels that satisfy one side of an inhibit rule: `=` sets the value, `=~` a literal
 * alternative of its regex, `!=`/`!~` are met by leaving the label out. Undefined when a
 * matcher needs more than that.
 */
function satisfying(rule: Record<string, unknown>, side: "source" | "target"): Record<string, string> | undefined {
  const labels: Record<string, string> = { ...((rule[`${side}_match`] as Record<string, string> | undefined) ?? {}) };
  const negated: Array<[string, string, string]> = [];
  for (const [name, re] of Object.entries((rule[`${side}_match_re`] as Record<string, string> | undefined) ?? {})) {
    const literal = re.split("|")[0]!;
    if (!/^[\w-]+$/.test(literal)) return undefined;
    labels[name] = literal;
  }
  for (const matcher of (rule[`${side}_matchers`] as string[] | undefined) ?? []) {
    const m = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"?([^"]*)"?\s*$/.exec(matcher);
    if (!m) return undefined;
    const [, name, op, value] = m as unknown as [string, string, string, string];
    if (op === "=") labels[name] = value;
    else if (op === "=~") {
      const literal = value.split("|")[0]!;
      if (!/^[\w-]+$/.test(literal)) return undefined;
      labels[name] ??= literal;
    } else negated.push([name, op, value]);
  }
  for (const [name, op, value] of negated) {
    const actual = labels[name];
    if (actual !== undefined && (op === "!=" ? actual === value : new RegExp(`^(?:${value})$`).test(actual))) return undefined;
  }
  return labels;
}

/** Posts alerts to every Alertmanager, as Prometheus does (each one gets every alert). */
async function postAlerts(members: Member[], alerts: Array<Record<string, string>>): Promise<void> {
  const body = JSON.stringify(alerts.map((labels) => ({ labels, annotations: { summary: `Live test alert ${labels["token"]}`, description: `Posted by the live harness (${labels["alertname"]}).` }, startsAt: new Date().toISOString(), endsAt: new Date(Date.now() + 600_000).toISOString(), generatorURL: "http://127.0.0.1/live" })));
  await postToAll(members, body);
}

async function postToAll(members: Member[], body: string): Promise<void> {
  for (const m of members.filter((x) => x.proc.alive)) {
    const res = await get(`${m.url}/api/v2/alerts`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
    if (res.status !== 200) throw new Error(`POST ${m.url}/api/v2/alerts: ${res.status} ${res.body}`);
  }
}

/** Ends alerts (endsAt now), as Prometheus does when they resolve. */
async function resolveAlerts(members: Member[], alerts: Array<Record<string, string>>): Promise<void> {
  const now = new Date().toISOString();
  await postToAll(members, JSON.stringify(alerts.map((labels) => ({ labels, startsAt: now, endsAt: now }))));
}

export function liveScenarios(o: ScenarioOptions): void {
  const slow = o.platform.slowdown;
  describe(o.title, function () {
    this.timeout(600_000 * slow);
    let stack: Stack;
    let t: Timings;
    const want = (n: number): boolean => o.scenarios.includes(n);

    before(async function () {
      this.timeout(300_000 * slow);
      stack = await Stack.start(o);
      t = timings(stack);
    });
    after(async function () {
      this.timeout(60_000);
      await stack?.stop();
    });
    afterEach(function () {
      if (this.currentTest?.state === "failed" && stack) console.error(`${o.title}: process logs\n${stack.logTails()}`);
      // A scenario that failed half-way leaves no fixture alert firing into the next one.
      stack?.exporter.clear();
    });

    /** A duplicate would come from a peer after its peer_timeout wait (wall-clock timers, which emulation does not stretch). */
    const dedupWait = (): number => t.dedupWindow + 5_000 * (slow - 1);

    /** Waits for every delivery of the alert(s) with `token`, then for the dedup window, and returns what arrived about it. */
    async function deliveredOnce(token: string, deliveries: Delivery[], since: number, budgetMs: number): Promise<Arrival[]> {
      const fresh = (): Arrival[] => about(stack.arrivals, token).filter((a) => a.at >= since);
      await waitUntil(() => deliveries.every((d) => fresh().some((a) => isDelivery(a, d))), budgetMs * slow, `${token} at ${deliveries.map(describeDelivery).join(", ")}`);
      await sleep(dedupWait());
      return fresh();
    }

    const anyAlive = (): Member => stack.alertmanagers.find((m) => m.proc.alive)!;

    async function receiversFor(token: string): Promise<{ labels: Record<string, string>; deliveries: Delivery[] }> {
      let alerts: AmAlert[] = [];
      await waitUntil(async () => (alerts = await amAlerts(anyAlive(), `token="${token}"`)).length > 0, (t.scrape + t.evaluation) * 3 * slow + 30_000, `${token} in Alertmanager`);
      return routeOf(alerts[0]!.labels);
    }

    /** Where the profile sends an alert with these labels; an alert that reaches nobody fails here. */
    function routeOf(labels: Record<string, string>): { labels: Record<string, string>; deliveries: Delivery[] } {
      const receivers = routedReceivers(stack.renderedAlertmanagerConfig, labels);
      const deliveries = deliveriesOf(stack.renderedAlertmanagerConfig, receivers);
      expect(deliveries, `${labels["alertname"]} ${JSON.stringify(labels)} is routed to ${receivers.join(", ")}, which notify nobody`).to.not.be.empty;
      return { labels, deliveries };
    }

    it("0. Prometheus loads every alert rule the release renders, and evaluates each without error", async () => {
      const rendered = stack.profileAlertRules;
      // Two evaluation rounds, so that every rule has been evaluated at least once.
      await sleep(2 * t.evaluation + 1_000);
      const loaded = (await loadedRules(stack)).filter((r) => r.type === "alerting" && !r.file.includes("fixture-rules"));
      const missing = [...rendered].filter(([name]) => !loaded.some((r) => r.name === name)).map(([name, { configMap }]) => `${name} (ConfigMap ${configMap})`);
      expect(missing, "rendered alert rules Prometheus does not load (is their ConfigMap mounted at a rule_files path?)").to.deep.equal([]);
      expect(loaded.filter((r) => r.health !== "ok").map((r) => `${r.name}: ${r.health} ${r.lastError ?? ""}`)).to.deep.equal([]);
    });

    it("0b. every process runs as its pod's non-root user, from a working directory it cannot write, inside its container's memory limit", () => {
      const seen = stack.confinements();
      expect(seen.length).to.be.at.least(3);
      for (const { name, workload: w, confined } of seen) {
        expect(confined, `${name} is not confined`).to.not.equal(undefined);
        expect(confined!.uid, `${name}'s uid`).to.equal(podUser(w).uid).and.not.equal(0);
        const limit = w.container.resources?.limits?.["memory"];
        if (limit && slow === 1) expect(confined!.limitBytes, `${name}'s memory cgroup`).to.equal(quantityBytes(limit));
      }
      // The working directory is read-only to the pods' users, as readOnlyRootFilesystem makes it.
      for (const { name, confined } of seen) {
        const cwd = statSync(`/proc/${confined!.pid}/cwd`);
        expect({ owner: cwd.uid, writable: (cwd.mode & 0o222) !== 0 }, `${name}'s working directory`).to.deep.equal({ owner: 0, writable: false });
      }
      console.log(`      ${o.title}: ${seen.map((c) => `${c.name} uid ${c.confined!.uid} limit ${c.confined!.limitBytes < 0 || c.confined!.limitBytes > 2 ** 60 ? "none" : `${Math.round(c.confined!.limitBytes / 2 ** 20)}Mi`}`).join(", ")}`);
    });

    if (want(1))
      it("1. the Alertmanager cluster forms (or, with one replica, runs without one); Prometheus discovers each Alertmanager; all run the deployed versions for this CPU", async () => {
        const n = stack.alertmanagers.length;
        expect(n, "Alertmanagers running").to.equal(workload(stack.release, "alertmanager").replicas);
        if (n > 1) await waitUntil(async () => (await Promise.all(stack.alertmanagers.map(amStatus))).every((s) => s.cluster.status === "ready" && s.cluster.peers.length === n), 120_000 * slow, "cluster ready");
        const statuses = await Promise.all(stack.alertmanagers.map(amStatus));
        const names = statuses.map((s) => s.cluster.name);
        for (const s of statuses) {
          // One replica: the chart leaves --cluster.listen-address empty, so no gossip at all.
          if (n === 1) {
            expect(s.cluster.status, "a single Alertmanager runs without a cluster").to.equal("disabled");
            continue;
          }
          expect(s.cluster.status).to.equal("ready");
          expect(s.cluster.peers.map((p) => p.name).sort()).to.deep.equal([...names].sort());
        }
        // Through the chart's alerting relabel_configs: exactly the three web ports.
        await waitUntil(async () => (await getJson<{ data: { activeAlertmanagers: unknown[] } }>(`${stack.prometheus.url}/api/v1/alertmanagers`)).data.activeAlertmanagers.length === n, 60_000 * slow, "Prometheus discovers the Alertmanagers");
        const discovered = await getJson<{ data: { activeAlertmanagers: Array<{ url: string }> } }>(`${stack.prometheus.url}/api/v1/alertmanagers`);
        expect(discovered.data.activeAlertmanagers.map((a) => new URL(a.url).origin).sort()).to.deep.equal(stack.alertmanagers.map((m) => m.url).sort());
        // The programs are the deployed versions, built for this platform (their own build_info, as Prometheus scraped it).
        const images = (JSON.parse(readFileSync(join(repoRoot, "versions.json"), "utf8")) as { images: Record<string, { tag: string }> }).images;
        const expected: Record<string, string> = { prometheus: images["prometheus"]!.tag, alertmanager: images["alertmanager"]!.tag, node_exporter: images["nodeExporter"]!.tag };
        const query = '{__name__=~"prometheus_build_info|alertmanager_build_info|node_exporter_build_info"}';
        // One series per program instance: a program scraped by two jobs would show up twice.
        const builds = async (): Promise<string[]> => (await promQuery(stack, query)).map((r) => `${r.metric["__name__"]!.replace(/_build_info$/, "")} ${r.metric["version"]} ${r.metric["goarch"]}`).sort();
        await waitUntil(async () => (await builds()).length === n + 2, 60_000 * slow, "build_info of every program scraped");
        const goarch = o.platform.name === "armv7" ? "arm" : o.platform.name;
        const want = [`node_exporter ${expected["node_exporter"]!.slice(1)} ${goarch}`, `prometheus ${expected["prometheus"]!.slice(1)} ${goarch}`, ...stack.alertmanagers.map(() => `alertmanager ${expected["alertmanager"]!.slice(1)} ${goarch}`)].sort();
        expect(await builds()).to.deep.equal(want);
      });

    let nodeDown: { deliveries: Delivery[]; stoppedAt: number } | undefined;
    if (want(2))
      it("2. node-exporter stops: the node-down alert reaches exactly the routed receivers, once across all Alertmanagers", async () => {
        const alertname = stack.nodeDownAlert;
        expect((await loadedRules(stack)).map((r) => r.name), `Prometheus has not loaded the node-down rule ${alertname}`).to.include(alertname);
        await waitUntil(async () => (await promQuery(stack, 'up{job="node-exporter"} == 1')).length === 1, 60_000 * slow, "node-exporter scraped (job from the chart's relabelling)");
        const stoppedAt = Date.now();
        await stack.nodeExporter.proc.stop();
        const { deliveries } = await receiversForAlert(alertname);
        const arrived = await deliveredOnce(alertname, deliveries, stoppedAt, 2 * (t.scrape + t.evaluation + t.groupWait) + 120_000);
        expect(countsPerDelivery(arrived, deliveries)).to.deep.equal(exactlyOnce(deliveries));
        expect(arrived.filter((a) => !deliveries.some((d) => isDelivery(a, d))).map((a) => `${a.kind}:${a.receiver}`), "arrivals at unrouted receivers").to.deep.equal([]);
        for (const a of arrived) expect(statusOf(a) ?? "firing").to.equal("firing");
        // The chart's notification templates, rendered (amtool renders the expected text) and its Secret files read.
        const localAm = stack.localConfig("alertmanager");
        const globs = (localAm["templates"] as string[] | undefined) ?? [];
        // Alertmanager's template ExternalURL: --web.external-url (trailing "/" dropped), else http://<hostname>:<web port>.
        const flagged = stack.alertmanagerFlag("--web.external-url");
        const externalURLs = flagged ? [flagged.replace(/\/+$/, "")] : stack.alertmanagers.map((m) => `http://${hostname()}:${new URL(m.url).port}`);
        const templated = arrived.filter(isTemplated);
        for (const a of templated) {
          const data = await templateData(anyAlive(), alertname, a.receiver);
          expect(templateMismatches(stack.renderedAlertmanagerConfig, globs, a, data, externalURLs), `${a.kind}:${a.receiver}#${a.index}`).to.deep.equal([]);
          expect(secretMismatches(localAm, a), `${a.kind}:${a.receiver}#${a.index}`).to.deep.equal([]);
          // The comparison can fail: one changed character is a mismatch.
          const altered = a.mail ? { ...a, mail: { ...a.mail, subject: `${a.mail.subject}!` } } : { ...a, json: JSON.parse(JSON.stringify(a.json).replace(/\*|Node|node/, "X")) as Record<string, unknown> };
          expect(templateMismatches(stack.renderedAlertmanagerConfig, globs, altered, data, externalURLs), "an altered notification").to.not.be.empty;
        }
        if (templated.length > 0) console.log(`      ${o.title}: ${templated.length} notifications (${[...new Set(templated.map((a) => a.kind))].join(", ")}) match the chart's templates as amtool renders them`);
        for (const a of arrived.filter((x) => x.kind === "alert-receiver")) {
          const annotations = a.json?.["annotations"] as Record<string, string>;
          expect(JSON.stringify(annotations), "rule annotations rendered by Prometheus").to.not.match(/\{\{|\}\}/);
          expect(annotations["summary"] ?? annotations["description"] ?? "").to.include((a.json?.["labels"] as Record<string, string>)["instance"]!);
        }
        console.log(`      ${o.title}: ${alertname} first arrival ${((Math.min(...arrived.map((a) => a.at)) - stoppedAt) / 1000).toFixed(1)}s after node-exporter stopped`);
        nodeDown = { deliveries, stoppedAt };
      });

    /** Labels and deliveries of a named alert (not a fixture token). */
    async function receiversForAlert(alertname: string): Promise<{ labels: Record<string, string>; deliveries: Delivery[] }> {
      let alerts: AmAlert[] = [];
      await waitUntil(async () => (alerts = await amAlerts(anyAlive(), `alertname="${alertname}"`)).length > 0, 2 * (t.scrape + t.evaluation) * slow + 600_000, `${alertname} in Alertmanager`);
      return routeOf(alerts[0]!.labels);
    }

    if (want(3))
      it("3. node-exporter is back: the resolved notification reaches every receiver that sends resolved, once", async () => {
        if (!nodeDown) throw new Error("scenario 2 did not complete");
        const alertname = stack.nodeDownAlert;
        const before = stack.arrivals.length;
        const restartedAt = Date.now();
        stack.nodeExporter = await stack.launch("node-exporter", 0);
        const resolving = nodeDown.deliveries.filter((d) => d.sendResolved);
        const budget = 2 * (t.scrape + t.evaluation + t.groupInterval) + 120_000;
        if (resolving.length === 0) {
          await sleep(budget);
        } else {
          await waitUntil(() => resolving.every((d) => about(stack.arrivals.slice(before), alertname).some((a) => isDelivery(a, d))), budget * slow, `resolved ${alertname}`);
          await sleep(dedupWait());
        }
        const arrived = about(stack.arrivals.slice(before), alertname);
        expect(countsPerDelivery(arrived, nodeDown.deliveries)).to.deep.equal(Object.fromEntries(nodeDown.deliveries.map((d) => [describeDelivery(d), d.sendResolved ? 1 : 0])));
        for (const a of arrived) expect(statusOf(a) ?? "resolved").to.equal("resolved");
        console.log(`      ${o.title}: resolved ${((Math.min(...arrived.map((a) => a.at), Infinity) - restartedAt) / 1000).toFixed(1)}s after node-exporter restarted`);
      });

    if (want(4))
      it("4. a silence created on one Alertmanager reaches the others and suppresses the alert on all of them", async () => {
        const [first, ...others] = stack.alertmanagers as [Member, ...Member[]];
        const id = await createSilence(first, { token: "live-silenced" }, "scenario 4");
        await waitUntil(async () => (await Promise.all(others.map(silences))).every((list) => list.some((s) => s.id === id && s.status.state === "active")), 30_000 * slow, "silence gossiped");
        const since = Date.now();
        stack.exporter.set({ token: "live-silenced", severity: "warning", service: "live-silence-a" }, true);
        stack.exporter.set({ token: "live-silence-control", severity: "warning", service: "live-silence-b" }, true);
        const control = await receiversFor("live-silence-control");
        await deliveredOnce("live-silence-control", control.deliveries, since, 2 * (t.scrape + t.evaluation + t.groupWait) + 60_000);
        expect(about(stack.arrivals, "live-silenced").map((a) => `${a.kind}:${a.receiver}`), "notifications of the silenced alert").to.deep.equal([]);
        for (const m of stack.alertmanagers) {
          const [alert] = await amAlerts(m, 'token="live-silenced"');
          expect(alert?.status.state, `${m.url}`).to.equal("suppressed");
          expect(alert?.status.silencedBy).to.deep.equal([id]);
        }
        stack.exporter.set({ token: "live-silenced", severity: "warning", service: "live-silence-a" }, false);
        stack.exporter.set({ token: "live-silence-control", severity: "warning", service: "live-silence-b" }, false);
      });

    if (want(5))
      it("5. inhibition: an alert the profile's first satisfiable inhibit rule names as source suppresses its target, on every Alertmanager", async function () {
        const rules = (parse(stack.renderedAlertmanagerConfig) as { inhibit_rules?: Array<Record<string, unknown>> }).inhibit_rules ?? [];
        const rule = rules.find((r) => satisfying(r, "source") && satisfying(r, "target"));
        if (!rule) {
          console.log(`      ${o.title}: the profile has no inhibit rule (${rules.length} rules) whose matchers a test alert can satisfy`);
          this.skip();
        }
        // Labels Prometheus would add (external labels), then the rule's matchers, then the `equal` labels, shared.
        const external = ((parse(stack.renderedPrometheusConfig) as { global?: { external_labels?: Record<string, string> } }).global?.external_labels ?? {});
        const equal = (rule!["equal"] as string[] | undefined) ?? [];
        const shared = Object.fromEntries(equal.filter((l) => !(l in external)).map((l) => [l, `live-inhibit-${l}`]));
        const base = { alertname: FIXTURE_ALERT, severity: "warning", ...external };
        const source = { ...base, ...satisfying(rule!, "source"), ...shared, token: "live-inhibit-source" };
        const target = { ...base, ...satisfying(rule!, "target"), ...shared, token: "live-inhibit-target" };
        // A target that differs in one `equal` label is not inhibited: the rule, not chance, suppresses.
        const varied = equal.find((l) => !(l in external));
        const control = varied ? { ...target, [varied]: "live-inhibit-other", token: "live-inhibit-control" } : undefined;
        console.log(`      ${o.title}: inhibit rule ${JSON.stringify(rule!["source_matchers"] ?? rule!["source_match"])} -> ${JSON.stringify(rule!["target_matchers"] ?? rule!["target_match"])} equal ${JSON.stringify(equal)}`);
        const since = Date.now();
        await postAlerts(stack.alertmanagers, [source]);
        await waitUntil(async () => (await Promise.all(stack.alertmanagers.map((m) => amAlerts(m, 'token="live-inhibit-source"')))).every((a) => a.length === 1), 30_000 * slow, "source alert in every Alertmanager");
        await postAlerts(stack.alertmanagers, [target, ...(control ? [control] : [])]);
        const budget = 2 * t.groupWait + 60_000;
        const sourceRoute = routeOf(source);
        await deliveredOnce("live-inhibit-source", sourceRoute.deliveries, since, budget);
        if (control) {
          const controlRoute = routeOf(control);
          const arrived = await deliveredOnce("live-inhibit-control", controlRoute.deliveries, since, budget);
          expect(countsPerDelivery(arrived, controlRoute.deliveries)).to.deep.equal(exactlyOnce(controlRoute.deliveries));
        }
        expect(routeOf(target).deliveries, "the target alone would be notified").to.not.be.empty;
        expect(about(stack.arrivals, "live-inhibit-target").map((a) => `${a.kind}:${a.receiver}`), "notifications of the inhibited alert").to.deep.equal([]);
        for (const m of stack.alertmanagers) {
          const [alert] = await amAlerts(m, 'token="live-inhibit-target"');
          expect(alert?.status.state, m.url).to.equal("suppressed");
          expect(alert?.status.inhibitedBy, m.url).to.have.length(1);
        }
        await resolveAlerts(stack.alertmanagers, [source, target, ...(control ? [control] : [])]);
      });

    if (want(6))
      it("6. a burst of 200 alerts while the sending Alertmanager crashes: none lost, none twice; restarted, it rejoins with its silences", async () => {
        const BURST = 200;
        const silenceId = await createSilence(stack.alertmanagers[0]!, { token: "live-never-fires" }, "scenario 6: must survive a crash");
        await waitUntil(async () => (await Promise.all(stack.alertmanagers.map(silences))).every((l) => l.some((s) => s.id === silenceId)), 30_000 * slow, "silence gossiped");
        // The replica at position 0 (lowest peer name) notifies first; the others wait peer_timeout × position.
        const statuses = await Promise.all(stack.alertmanagers.map(amStatus));
        const primaryName = statuses.map((s) => s.cluster.name).sort()[0];
        const victim = stack.alertmanagers[statuses.findIndex((s) => s.cluster.name === primaryName)]!;
        const tokens = Array.from({ length: BURST }, (_, i) => `live-burst-${String(i).padStart(3, "0")}`);
        const since = Date.now();
        for (const token of tokens) stack.exporter.set({ token, severity: "warning", service: token }, true);
        // Crash it as soon as the burst reaches it: the alerts are in flight (accepted, not yet notified).
        await waitUntil(async () => (await amAlerts(victim, 'token=~"live-burst-.*"')).length > 0, 60_000 * slow, "burst reaches the primary", 20);
        await victim.proc.crash();
        const crashedAt = Date.now();
        const route = await receiversFor(tokens[0]!);
        const fresh = (token: string): Arrival[] => about(stack.arrivals, token).filter((a) => a.at >= since);
        await waitUntil(() => tokens.every((token) => route.deliveries.every((d) => fresh(token).some((a) => isDelivery(a, d)))), (t.dedupWindow + 2 * (t.scrape + t.evaluation + t.groupWait) + 120_000) * slow, "every burst alert delivered");
        console.log(`      ${o.title}: crashed ${victim.url} ${crashedAt - since}ms into the burst; all ${BURST} delivered ${((Date.now() - crashedAt) / 1000).toFixed(1)}s after`);

        const restarted = await stack.restartAlertmanager(victim.replica);
        const n = stack.alertmanagers.length;
        await waitUntil(async () => (await Promise.all(stack.alertmanagers.map(amStatus))).every((s) => s.cluster.status === "ready" && s.cluster.peers.length === n), 180_000 * slow, "cluster whole again");
        const kept = await silences(restarted);
        expect(kept.find((s) => s.id === silenceId)?.status.state, "silence on the restarted replica").to.equal("active");
        // Prometheus re-sends firing alerts every minute (--rules.alert.resend-delay): the restarted
        // replica gets them all again and must not notify what its peers already did.
        await sleep(60_000 + t.groupWait + dedupWait());
        const perToken = tokens.map((token) => countsPerDelivery(fresh(token), route.deliveries));
        const wrong = perToken.map((c, i) => [tokens[i], c] as const).filter(([, c]) => Object.values(c).some((v) => v !== 1));
        expect(wrong, "burst alerts not delivered exactly once per integration").to.deep.equal([]);
        for (const token of tokens) stack.exporter.set({ token, severity: "warning", service: token }, false);
      });

    if (want(7))
      it("7. the profile's own alerts, made true by fixture series, fire in Prometheus and reach exactly the receivers its fidelity table names", async () => {
        const profile = basename(o.profile).replace(/\.ya?ml$/, "");
        const drives = PROFILE_DRIVES[profile] ?? [];
        expect(drives, `no series in profile-drives.ts make an alert of ${profile} fire`).to.not.be.empty;
        const table = loadFidelityTable(join(fidelityDir, `${profile}.fidelity.yaml`));
        const rules = stack.profileAlertRules;
        const since = Date.now();
        for (const drive of drives) {
          expect(rules.has(drive.alert), `${drive.alert} is not among ${profile}'s rendered alert rules`).to.equal(true);
          for (const series of drive.series) stack.exporter.serve(series);
        }
        const longestFor = Math.max(...drives.map((d) => rules.get(d.alert)!.for)) * stack.timeScale;
        const budget = longestFor + 2 * (t.scrape + t.evaluation + t.groupWait) + 120_000;
        await Promise.all(
          drives.map(async (drive) => {
            // The document's answer: the receivers the table routes this alert to.
            const documented = table.routes.find((r) => r.alert === drive.alert);
            if (!documented) throw new Error(`${profile}.fidelity.yaml routes no alert ${drive.alert}`);
            // The profile's rule, not a fixture rule, is what fires.
            await waitUntil(async () => (await loadedRules(stack)).some((r) => r.name === drive.alert && !r.file.includes("fixture-rules") && (r as { state?: string }).state === "firing"), budget * slow, `${drive.alert} firing in Prometheus (${drive.condition})`);
            let deliveries: Delivery[];
            try {
              deliveries = deliveriesOf(stack.renderedAlertmanagerConfig, documented.receivers);
            } catch (err) {
              throw new Error(`${drive.alert}: the table's receivers ${documented.receivers.join(", ")} are not all in the rendered Alertmanager config: ${(err as Error).message}`);
            }
            let arrived: Arrival[];
            try {
              arrived = await deliveredOnce(drive.alert, deliveries, since, budget);
            } catch (err) {
              const reached = [...new Set(about(stack.arrivals, drive.alert).filter((a) => a.at >= since).map((a) => a.receiver))];
              throw new Error(`${drive.alert} (${drive.condition}) reached [${reached.join(", ")}], the fidelity table names [${documented.receivers.join(", ")}]: ${(err as Error).message}`);
            }
            expect([...new Set(arrived.map((a) => a.receiver))].sort(), `receivers ${drive.alert} reached`).to.deep.equal([...documented.receivers].sort());
            expect(countsPerDelivery(arrived, deliveries), `${drive.alert}: each integration once`).to.deep.equal(exactlyOnce(deliveries));
            console.log(`      ${o.title}: ${drive.alert} (${drive.condition}) reached ${documented.receivers.join(" + ")} as the fidelity table says, ${((Math.min(...arrived.map((a) => a.at)) - since) / 1000).toFixed(1)}s after its series appeared`);
          }),
        );
        stack.exporter.clear();
      });

    if (want(8))
      it("8. every query of every general dashboard the release enables returns a series from the real Prometheus, but those of components not run here and panels the profile can only leave empty (both counted and printed)", async () => {
        const { queries, variables, enabled } = generalDashboardQueries(stack.release);
        expect(queries, "queries of the enabled general dashboards").to.not.be.empty;
        // Components the live layer does not run: their metrics cannot exist here (named, counted, not hidden).
        const notRunHere: Array<[RegExp, string]> = [
          [/\bkube_[a-z_]+/, "kube-state-metrics (needs an API server; not run by the live layer)"],
          [/\bcontainer_[a-z_]+/, "the kubelet's cAdvisor (not run by the live layer)"],
          [/\bkubelet_[a-z_]+/, "the kubelet (not run by the live layer)"],
        ];
        // Template variables as Grafana resolves them: the values their label_values() query
        // returns, once every variable whose source runs here has one (and a minute of samples).
        const labelValues = async (v: (typeof variables)[number]): Promise<string[]> => [...new Set((await promQuery(stack, v.selector)).map((r) => r.metric[v.label]).filter((x): x is string => x !== undefined))];
        const resolvable = variables.filter((v) => !notRunHere.some(([re]) => re.test(v.selector)));
        await waitUntil(async () => (await Promise.all(resolvable.map(labelValues))).every((l) => l.length > 0), 120_000 * slow, `values of ${resolvable.map((v) => `$${v.name}`).join(", ")}`);
        await sleep(Math.max(0, 60_000 - (Date.now() - stack.startedAt)));
        const values = new Map<string, string[]>();
        for (const v of variables) {
          const found = await labelValues(v);
          values.set(v.name, found.length > 0 ? found : ["(no value)"]);
        }
        // Panels this profile's own configuration leaves empty for good: printed every run as
        // defects of the dashboards (a panel that can only be empty), decided from the rendered config.
        const promConfig = parse(stack.renderedPrometheusConfig) as { remote_write?: unknown[] };
        const clustered = stack.alertmanagers.length > 1;
        const profileEmpty: Array<[RegExp, string, boolean]> = [
          [/\bprometheus_remote_storage_/, "remote-write panels with no remote_write configured", !promConfig.remote_write?.length],
          [/\balertmanager_cluster_/, "Alertmanager cluster panels with a single Alertmanager (no gossip, no cluster metrics)", !clustered],
        ];
        const empty: string[] = [];
        const unavailable = new Map<string, number>();
        const onlyEmpty = new Map<string, string[]>();
        let withData = 0;
        let filtered = 0;
        for (const q of queries) {
          const expr = substituted(q.expr, values);
          if ((await promQuery(stack, expr)).length > 0) {
            withData++;
            continue;
          }
          const missing = notRunHere.find(([re]) => re.test(q.expr));
          if (missing) {
            unavailable.set(missing[1], (unavailable.get(missing[1]) ?? 0) + 1);
            continue;
          }
          // "... > 0": a panel that shows only failures is empty while nothing fails; the series under the filter must exist.
          const unfiltered = /^(.*\S)\s*>\s*0$/s.exec(expr)?.[1];
          if (unfiltered && (await promQuery(stack, unfiltered)).length > 0) {
            filtered++;
            continue;
          }
          const explained = profileEmpty.find(([re, , applies]) => applies && re.test(q.expr));
          if (explained) onlyEmpty.set(explained[1], [...(onlyEmpty.get(explained[1]) ?? []), `${q.dashboard} / ${q.panel}`]);
          else empty.push(`${q.dashboard} / ${q.panel}: ${expr}`);
        }
        console.log(`      ${o.title}: dashboards ${enabled.join(", ")}: ${queries.length} queries checked, ${withData} with data, ${filtered} failure-only panels (empty while healthy, their series exist)${[...unavailable].map(([what, n]) => `, ${n} need ${what}`).join("")}, ${empty.length} unexplained empty`);
        for (const [why, panels] of onlyEmpty) console.log(`      ${o.title}: DASHBOARD DEFECT, panels that can only be empty on this profile (${why}): ${[...new Set(panels)].join("; ")}`);
        expect(empty, "dashboard queries without a single series (a panel that can only be empty)").to.deep.equal([]);
      });

    it("no process was killed for outgrowing its memory limit", () => {
      expect(stack.everyProc.filter((p) => p.oomKills() > 0).map((p) => `${p.name}: ${p.oomKills()} OOM kills`)).to.deep.equal([]);
    });
  });
}
