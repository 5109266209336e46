// Fidelity: each profile, rendered by helm, against the table written from its source document
// (test/fidelity/<profile>.fidelity.yaml, format in test/fidelity/README.md). Everything is
// read from the RENDERED chart: rule files or PrometheusRules, alertmanager.yml (routes judged
// by amtool), prometheus.yml, workloads, dashboards. What the chart cannot express yet is
// reported as pending with the missing chart feature named. Where a profile differs from its
// document on purpose, the table keeps the document's value and a deviation entry says what
// the profile does and why: the checks use the profile's value there, a test per deviation
// shows the document's value still does not render, and every run prints the deviations.
import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { durationSeconds } from "../../generator/src/duration.js";
import { fidelityDir, fidelityTableFiles, loadFidelityTable, profileView, tableValue, withTableValue, type FidelityAlert, type FidelityChannel, type FidelityInhibition, type FidelityReceiver, type FidelityRoute, type FidelityTable, type LabelMatch } from "../helpers/fidelity.js";
import { inhibits, matchRoutes, type InhibitRuleConfig, type Labels, type RouteConfig } from "../../generator/src/explain/route-tree.js";
import { comparisonOps, comparisons, metricNames, quantiles, rangeSeconds } from "../helpers/promql-facts.js";
import { NAMESPACE, RELEASE } from "../helpers/render.js";
import { RenderedStack, type RenderedRule } from "../helpers/rendered-stack.js";
import { repoRoot, run, tools } from "../helpers/tools.js";
import { checkTopology, topologyEntries } from "../helpers/fidelity-topology.js";
import { checkDashboard } from "../helpers/fidelity-dashboards.js";

const sameDuration = (a: string | undefined, b: string) => durationSeconds(a ?? "0s") === durationSeconds(b);
const normalText = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

/** The numbers an expression may compare against for a threshold in a unit (test/fidelity/README.md). */
function acceptedThresholds(alert: FidelityAlert): number[] {
  const t = alert.threshold!;
  switch (alert.thresholdUnit) {
    case "percent": return [t, t / 100];
    case "days": return [t, t * 86400];
    case "per-minute": return [t, t / 60];
    default: return [t];
  }
}

function describeAlert(alert: FidelityAlert): string {
  const parts = [`severity ${alert.severity}`, `for ${alert.for}`];
  if (alert.priority) parts.push(`priority ${alert.priority}`);
  if (alert.op !== undefined) parts.push(alert.threshold === undefined ? `compares with ${alert.op}` : `${alert.op} ${String(alert.threshold)}${alert.thresholdUnit ? ` ${alert.thresholdUnit}` : ""}`);
  return `${alert.group}/${alert.alert}: ${parts.join(", ")}`;
}

/** The rendered rule of a table alert, or an error naming where it is (or is not). */
function renderedAlert(stack: RenderedStack, group: string, name: string): RenderedRule {
  const inGroup = stack.ruleGroups.filter((g) => g.name === group);
  const rule = inGroup.flatMap((g) => g.rules).find((r) => r.alert === name);
  if (rule) return rule;
  const elsewhere = stack.alerts.filter((a) => a.alert === name).map((a) => a.group);
  if (elsewhere.length > 0) throw new Error(`alert ${name} is rendered in group(s) ${elsewhere.join(", ")}, not in ${group}`);
  if (inGroup.length === 0) throw new Error(`group ${group} is not rendered (rendered groups: ${stack.ruleGroups.map((g) => g.name).join(", ") || "none"}) and alert ${name} is nowhere`);
  throw new Error(`alert ${name} is not rendered (group ${group} has: ${inGroup.flatMap((g) => g.rules).map((r) => r.alert ?? r.record).join(", ")})`);
}

function checkAlert(stack: RenderedStack, alert: FidelityAlert): void {
  const rule = renderedAlert(stack, alert.group, alert.alert);
  const where = `${alert.group}/${alert.alert}`;
  const labels = rule.labels ?? {};
  expect(sameDuration(rule.for, alert.for), `${where}: for is ${rule.for ?? "unset"}, the document says ${alert.for}`).to.equal(true);
  expect(labels.severity, `${where}: severity label`).to.equal(alert.severity);
  if (alert.priority !== undefined) expect(labels.priority, `${where}: priority label`).to.equal(alert.priority);
  for (const [name, value] of Object.entries(alert.labels ?? {})) expect(labels[name], `${where}: label ${name}`).to.equal(value);

  if (alert.op !== undefined && alert.threshold !== undefined) {
    const found = comparisons(rule.expr);
    const accepted = acceptedThresholds(alert);
    const ok = found.some((c) => c.op === alert.op && accepted.some((value) => close(c.value, value)));
    expect(ok, `${where}: no comparison "${alert.op} ${accepted.join(" or ")}" in the rendered expression\n  ${rule.expr}\n  comparisons found: ${found.map((c) => `${c.op} ${c.value}`).join(", ") || "none"}`).to.equal(true);
  }
  if (alert.op !== undefined && alert.threshold === undefined) {
    expect(comparisonOps(rule.expr), `${where}: comparisons in ${rule.expr}`).to.include(alert.op);
  }
  for (const metric of alert.metrics ?? []) {
    expect(metricNames(rule.expr), `${where}: metrics selected by ${rule.expr}`).to.include(metric);
  }
  if (alert.quantile !== undefined) {
    expect(quantiles(rule.expr), `${where}: quantiles computed by ${rule.expr}`).to.include(alert.quantile);
  }
  if (alert.window !== undefined) {
    expect(rangeSeconds(rule.expr), `${where}: ranges (s) in ${rule.expr}`).to.include(durationSeconds(alert.window));
  }
  const annotations = rule.annotations ?? {};
  if (alert.summaryContains !== undefined) {
    expect(normalText(annotations.summary ?? ""), `${where}: summary`).to.contain(normalText(alert.summaryContains));
  }
  for (const text of alert.descriptionContains ?? []) {
    expect(normalText(annotations.description ?? ""), `${where}: description`).to.contain(normalText(text));
  }
}

/** A Service of this release that a URL points at (host <svc>[.<ns>[.svc[.cluster.local]]], its port). */
function pointsAtReleaseService(stack: RenderedStack, url: URL): boolean {
  const [service, namespace] = url.hostname.split(".");
  const object = stack.objects.find((o) => o.kind === "Service" && o.metadata.name === service) as { spec?: { ports?: Array<{ port: number }> } } | undefined;
  const ports = (object?.spec?.ports ?? []).map((p) => String(p.port));
  return object !== undefined && (namespace === undefined || namespace === NAMESPACE) && ports.includes(url.port || "80");
}

// Alertmanager's send_resolved when a config does not set it.
const SEND_RESOLVED_DEFAULT: Record<string, boolean> = { webhook: true, slack: false, email: false, pagerduty: true, discord: true };

const CHANNEL_CONFIGS: Record<string, string> = { webhook: "webhook_configs", slack: "slack_configs", email: "email_configs", pagerduty: "pagerduty_configs", discord: "discord_configs" };

/** Problems of one channel against a rendered receiver, or an empty list when one of its configs delivers there. */
function channelProblems(stack: RenderedStack, receiver: Record<string, any>, channel: FidelityChannel): string[] {
  const configs = (receiver[CHANNEL_CONFIGS[channel.type]!] ?? []) as Array<Record<string, any>>;
  if (configs.length === 0) return [`no ${CHANNEL_CONFIGS[channel.type]} (receiver has: ${Object.keys(receiver).filter((k) => k !== "name").join(", ") || "nothing"})`];
  const problemsOf = (config: Record<string, any>): string[] => {
    const problems: string[] = [];
    if (channel.type === "webhook" && channel.url !== undefined && config.url !== channel.url) problems.push(`url ${config.url ?? config.url_file} is not ${channel.url}`);
    if (channel.type === "webhook" && channel.path !== undefined) {
      if (typeof config.url !== "string") problems.push(`url is not visible (${config.url_file ?? "none"}), cannot show it reaches the bundled receiver's ${channel.path}`);
      else {
        const url = new URL(config.url);
        if (url.pathname !== channel.path) problems.push(`path ${url.pathname} is not ${channel.path}`);
        if (!pointsAtReleaseService(stack, url)) problems.push(`${url.host} is no Service of release ${RELEASE} in namespace ${NAMESPACE} (the alert receiver is ${RELEASE}-alert-receiver)`);
      }
    }
    if (channel.type === "slack" && config.channel !== channel.channel) problems.push(`channel ${config.channel} is not ${channel.channel}`);
    if (channel.type === "email" && typeof channel.to === "string") {
      const to = String(config.to ?? "");
      if (channel.to.endsWith("@") ? !to.startsWith(channel.to) : to !== channel.to) problems.push(`to ${to} is not ${channel.to}`);
    }
    for (const [key, rendered] of [["title", "title"], ["text", "text"], ["description", "description"]] as const) {
      if (channel[key] !== undefined && config[rendered] !== channel[key]) problems.push(`${rendered} is ${JSON.stringify(config[rendered])}, not ${JSON.stringify(channel[key])}`);
    }
    // Email settings a config leaves out come from Alertmanager's global section.
    for (const [key, rendered] of [["from", "from"], ["smarthost", "smarthost"], ["authUsername", "auth_username"]] as const) {
      const value = config[rendered] ?? stack.alertmanagerConfig.global?.[`smtp_${rendered}`];
      if (channel[key] !== undefined && value !== channel[key]) problems.push(`${rendered} is ${JSON.stringify(value)}, not ${JSON.stringify(channel[key])}`);
    }
    if (channel.sendResolved !== undefined) {
      const sendResolved = config.send_resolved ?? SEND_RESOLVED_DEFAULT[channel.type];
      if (sendResolved !== channel.sendResolved) problems.push(`send_resolved is ${JSON.stringify(config.send_resolved)} (Alertmanager's default ${String(SEND_RESOLVED_DEFAULT[channel.type])}), not ${String(channel.sendResolved)}`);
    }
    if (channel.urlSecret !== undefined) {
      const file = config.url_file ?? config.api_url_file ?? config.webhook_url_file;
      if (typeof file !== "string" || basename(file) !== channel.urlSecret) problems.push(`URL is not read from Secret key ${channel.urlSecret} (url: ${JSON.stringify(config.url ?? config.api_url ?? config.webhook_url)}, file: ${JSON.stringify(file)})`);
    }
    for (const [name, value] of Object.entries((channel.headers ?? {}) as Record<string, string>)) {
      if (config.headers?.[name] !== value) problems.push(`header ${name} is ${JSON.stringify(config.headers?.[name])}, not ${JSON.stringify(value)}`);
    }
    return problems;
  };
  const all = configs.map(problemsOf);
  return all.some((p) => p.length === 0) ? [] : all.flat();
}

function channelText(channel: FidelityChannel): string {
  const where = channel.channel ?? channel.to ?? channel.url ?? channel.path ?? (channel.urlSecret ? `(URL from Secret key ${channel.urlSecret})` : "");
  return where ? `${channel.type} ${where}` : channel.type;
}

/** Label sets an inhibition side stands for: the rendered labels of each named alert, or the labels as given. */
function sideLabels(stack: RenderedStack, side: LabelMatch): Labels[] {
  const expand = (entries: Array<[string, string | string[]]>): Labels[] => {
    if (entries.length === 0) return [{}];
    const [[name, value], ...rest] = entries as [[string, string | string[]], ...Array<[string, string | string[]]>];
    return (Array.isArray(value) ? value : [value]).flatMap((v) => expand(rest).map((labels) => ({ [name]: v, ...labels })));
  };
  return expand(Object.entries(side)).map((labels) => {
    if (labels.alertname === undefined) return { ...stack.externalLabels, ...labels };
    const rule = stack.alerts.find((a) => a.alert === labels.alertname);
    if (!rule) throw new Error(`alert ${labels.alertname} is not rendered`);
    return { ...stack.externalLabels, ...(rule.labels ?? {}), ...labels };
  });
}

function routeLabels(stack: RenderedStack, route: FidelityRoute): Labels {
  if (route.alert === undefined) return { ...route.labels };
  const rule = stack.alerts.find((a) => a.alert === route.alert);
  if (!rule) throw new Error(`alert ${route.alert} is not rendered, so its route cannot be tested`);
  return { alertname: route.alert, ...(rule.labels ?? {}), ...stack.externalLabels, ...(route.labels ?? {}) };
}

function routeTitle(route: FidelityRoute): string {
  const what = route.alert !== undefined ? `alert ${route.alert}${route.labels ? ` ${JSON.stringify(route.labels)}` : ""}` : JSON.stringify(route.labels);
  return `route: ${what} → ${route.receivers.join(", ")}${route.settings ? ` (${Object.entries(route.settings).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(", ")})` : ""}`;
}

function inhibitionTitle(h: FidelityInhibition): string {
  return `inhibition: ${JSON.stringify(h.source)} mutes ${JSON.stringify(h.target)} on equal [${h.equal.join(", ")}]`;
}

function checkReceiver(stack: RenderedStack, receiver: FidelityReceiver, channels: FidelityChannel[]): void {
  const rendered = ((stack.alertmanagerConfig.receivers ?? []) as Array<Record<string, any>>).find((r) => r.name === receiver.name);
  expect(rendered, `receiver ${receiver.name} among ${(stack.alertmanagerConfig.receivers ?? []).map((r: { name: string }) => r.name).join(", ")}`).to.not.equal(undefined);
  const problems = channels.flatMap((channel) => channelProblems(stack, rendered!, channel).map((p) => `${channelText(channel)}: ${p}`));
  expect(problems, `receiver ${receiver.name}`).to.deep.equal([]);
}

function checkRootRoute(stack: RenderedStack, root: FidelityTable["rootRoute"]): void {
  const config = stack.alertmanagerConfig;
  const route = (config.route ?? {}) as RouteConfig;
  expect(route.receiver, "root receiver").to.equal(root.receiver);
  if (root.groupBy) expect([...(route.group_by ?? [])].sort(), "root group_by").to.deep.equal([...root.groupBy].sort());
  const timings: Array<[string | undefined, string | undefined, string, string]> = [
    [route.group_wait, root.groupWait, "group_wait", "30s"],
    [route.group_interval, root.groupInterval, "group_interval", "5m"],
    [route.repeat_interval, root.repeatInterval, "repeat_interval", "4h"],
    [config.global?.resolve_timeout, root.resolveTimeout, "global.resolve_timeout", "5m"],
  ];
  for (const [rendered, expected, name, alertmanagerDefault] of timings) {
    if (expected !== undefined) expect(sameDuration(rendered ?? alertmanagerDefault, expected), `${name} is ${rendered ?? `unset (Alertmanager's ${alertmanagerDefault})`}, the document says ${expected}`).to.equal(true);
  }
}

function checkRoute(stack: RenderedStack, alertmanagerFile: string, route: FidelityRoute): void {
  const labels = routeLabels(stack, route);
  const args = Object.entries(labels).map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  const result = run(tools.amtool, ["config", "routes", "test", `--config.file=${alertmanagerFile}`, `--verify.receivers=${route.receivers.join(",")}`, ...args]);
  expect(result.status, `amtool config routes test ${args.join(" ")}\n${result.stdout}${result.stderr}`).to.equal(0);
  if (!route.settings) return;
  const matched = matchRoutes(stack.alertmanagerConfig.route as RouteConfig, labels);
  // The tree walk must agree with amtool before its settings are read.
  expect(matched.map((m) => m.receiver), "routes found by walking the tree (as amtool)").to.deep.equal(route.receivers);
  const delivering = matched[0]!;
  const s = route.settings;
  const where = `route ${delivering.path} to ${delivering.receiver}`;
  if (s.continue !== undefined) expect(delivering.continue, `${where}: continue`).to.equal(s.continue);
  if (s.groupBy) expect([...delivering.groupBy].sort(), `${where}: group_by`).to.deep.equal([...s.groupBy].sort());
  for (const [key, rendered] of [["groupWait", delivering.groupWait], ["groupInterval", delivering.groupInterval], ["repeatInterval", delivering.repeatInterval]] as const) {
    if (s[key] !== undefined) expect(sameDuration(rendered, s[key]!), `${where}: ${key} is ${rendered}, the document says ${s[key]}`).to.equal(true);
  }
  if (s.activeTimeIntervals) expect(delivering.activeTimeIntervals, `${where}: active_time_intervals`).to.have.members(s.activeTimeIntervals);
  if (s.muteTimeIntervals) expect(delivering.muteTimeIntervals, `${where}: mute_time_intervals`).to.have.members(s.muteTimeIntervals);
}

function checkInhibition(stack: RenderedStack, inhibition: FidelityInhibition): void {
  const rules = (stack.alertmanagerConfig.inhibit_rules ?? []) as InhibitRuleConfig[];
  for (const source of sideLabels(stack, inhibition.source)) {
    for (const target of sideLabels(stack, inhibition.target)) {
      if (source.alertname !== undefined && source.alertname === target.alertname) continue;
      // Labels the document requires equal get one shared value where the rules leave them open.
      const shared = inhibition.equal.filter((name) => source[name] === undefined && target[name] === undefined);
      const s = { ...source, ...Object.fromEntries(shared.map((name) => [name, `same-${name}`])) };
      const t = { ...target, ...Object.fromEntries(shared.map((name) => [name, `same-${name}`])) };
      expect(inhibits(rules, s, t), `${JSON.stringify(s)} should mute ${JSON.stringify(t)}`).to.equal(true);
      for (const name of shared) {
        const other = { ...t, [name]: `other-${name}` };
        expect(inhibits(rules, s, other), `muted although ${name} differs: ${JSON.stringify(s)} vs ${JSON.stringify(other)}`).to.equal(false);
      }
    }
  }
}

function checkTimeInterval(stack: RenderedStack, interval: FidelityTable["timeIntervals"][number]): void {
  const config = stack.alertmanagerConfig;
  const all = [...(config.time_intervals ?? []), ...(config.mute_time_intervals ?? [])] as Array<{ name: string; time_intervals: Array<Record<string, any>> }>;
  const rendered = all.find((t) => t.name === interval.name);
  expect(rendered, `time interval ${interval.name} among ${all.map((t) => t.name).join(", ") || "none"}`).to.not.equal(undefined);
  const matches = rendered!.time_intervals.some((ti) =>
    (interval.weekdays === undefined || JSON.stringify([...(ti.weekdays ?? [])].sort()) === JSON.stringify([...interval.weekdays].sort())) &&
    (interval.times === undefined || JSON.stringify((ti.times ?? []).map((t: { start_time: string; end_time: string }) => [t.start_time, t.end_time])) === JSON.stringify(interval.times.map((t) => [t.start, t.end]))) &&
    (interval.location === undefined || ti.location === interval.location));
  expect(matches, `${interval.name}: rendered as ${JSON.stringify(rendered!.time_intervals)}`).to.equal(true);
}

const requiredChannels = (receiver: FidelityReceiver) => receiver.channels.filter((c) => c.optional !== true);
const optionalChannels = (receiver: FidelityReceiver) => receiver.channels.filter((c) => c.optional === true);

/**
 * Runs the check of the table entry a deviation targets (the entry holding that value) on the
 * rendered stack. A deviation's test runs it twice: with the profile's value it must pass, with
 * the document's it must fail (else the deviation no longer applies).
 */
function checkTarget(stack: RenderedStack, alertmanagerFile: string, table: FidelityTable, target: string): void {
  const [section, item] = target.split(/[.[\]]/).filter((s) => s !== "");
  const entry = (path: string) => {
    const found = tableValue(table, path);
    if (!found.found) throw new Error(`deviation target ${target}: ${found.problem}`);
    return found.value as any;
  };
  switch (section) {
    case "alerts": return checkAlert(stack, entry(`alerts[${item}]`));
    case "receivers": {
      const receiver = entry(`receivers[${item}]`) as FidelityReceiver;
      return checkReceiver(stack, receiver, requiredChannels(receiver));
    }
    case "rootRoute": return checkRootRoute(stack, table.rootRoute);
    case "routes": return checkRoute(stack, alertmanagerFile, entry(`routes[${item}]`));
    case "inhibitions": return checkInhibition(stack, entry(`inhibitions[${item}]`));
    case "timeIntervals": return checkTimeInterval(stack, entry(`timeIntervals[${item}]`));
    case "dashboards": return checkDashboard(stack, entry(`dashboards[${item}]`));
    case "topology": {
      const topologyEntry = topologyEntries(table.topology).find((e) => target === `topology.${e.path}` || target.startsWith(`topology.${e.path}.`));
      if (!topologyEntry || topologyEntry.context !== undefined || topologyEntry.pending !== undefined) throw new Error(`deviation target ${target}: no checked topology entry holds it`);
      return checkTopology(stack, table, topologyEntry);
    }
    default: throw new Error(`deviation target ${target}: the fidelity test has no check for section ${String(section)}`);
  }
}

/** Runs a check and returns its failure message, or undefined when it passes. */
function failureOf(check: () => void): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Values files that add to a profile what its document offers as optional additions (test/fidelity/README.md). */
const additionsFile = (profile: string) => join(fidelityDir, `${profile}.additions.yaml`);

function defineProfile(documentTable: FidelityTable): void {
  // Every check below holds the render against the table with the deviations applied; each
  // deviation's own test shows the document's value still does not render.
  const table = profileView(documentTable);
  const valuesFile = join(repoRoot, "values", `${table.profile}.yaml`);
  describe(`fidelity: ${table.profile} (rendered chart vs test/fidelity/${table.profile}.fidelity.yaml)`, () => {
    let stack: RenderedStack;
    let dir: string;
    let alertmanagerFile: string;
    before(function () {
      this.timeout(120_000);
      stack = new RenderedStack(valuesFile);
      dir = mkdtempSync(join(tmpdir(), `promstack-fidelity-${table.profile}-`));
      alertmanagerFile = join(dir, "alertmanager.yml");
      writeFileSync(alertmanagerFile, stack.alertmanagerText);
    });
    after(() => dir && rmSync(dir, { recursive: true, force: true }));

    describe("alerts", () => {
      for (const alert of table.alerts) it(describeAlert(alert), () => checkAlert(stack, alert));

      if (table.expectedAlertCount !== undefined) {
        it(`renders exactly ${table.expectedAlertCount} alerts, the document's total`, () => {
          const expected = new Set(table.alerts.map((a) => `${a.group}/${a.alert}`));
          const rendered = stack.alerts.map((a) => `${a.group}/${a.alert}`);
          const extra = rendered.filter((name) => !expected.has(name));
          expect(rendered.length, `rendered ${rendered.length} alerts; not in the document: ${extra.join(", ") || "none"}`).to.equal(table.expectedAlertCount);
        });
      }
      if (table.annotationsRequired !== undefined) {
        it(`every rendered alert carries the annotations ${table.annotationsRequired.join(", ")}`, () => {
          const missing = stack.alerts.flatMap((a) => table.annotationsRequired!.filter((name) => !(a.annotations ?? {})[name]).map((name) => `${a.group}/${a.alert}: ${name}`));
          expect(missing, "alerts without a required annotation").to.deep.equal([]);
        });
      }
      if (table.alertNamePattern !== undefined) {
        it(`every alert of the document's groups matches ${table.alertNamePattern}`, () => {
          const pattern = new RegExp(`^(?:${table.alertNamePattern!})$`);
          const groups = new Set(table.groups.map((g) => g.name));
          const wrong = stack.alerts.filter((a) => groups.has(a.group) && !pattern.test(a.alert!)).map((a) => `${a.group}/${a.alert}`);
          expect(wrong, "alert names").to.deep.equal([]);
        });
      }
      for (const recording of table.recordingRules ?? []) {
        it(`recording rule ${recording.group}/${recording.record}${recording.interval ? ` every ${recording.interval}` : ""}`, () => {
          const group = stack.ruleGroups.find((g) => g.name === recording.group);
          expect(group, `group ${recording.group} among ${stack.ruleGroups.map((g) => g.name).join(", ")}`).to.not.equal(undefined);
          const rule = group!.rules.find((r) => r.record === recording.record);
          expect(rule, `record ${recording.record} in ${recording.group}`).to.not.equal(undefined);
          const compact = (text: string) => text.replace(/\s+/g, "");
          expect(compact(rule!.expr), `${recording.record}: expression`).to.equal(compact(recording.expr));
          if (recording.interval !== undefined) expect(sameDuration(group!.interval, recording.interval), `${recording.group}: interval ${group!.interval ?? "unset"}`).to.equal(true);
        });
      }
    });

    describe("receivers and routing (alertmanager.yml, amtool)", () => {
      for (const receiver of table.receivers) {
        const channels = requiredChannels(receiver);
        if (channels.length > 0) it(`receiver ${receiver.name} delivers to ${channels.map(channelText).join(", ")}`, () => checkReceiver(stack, receiver, channels));
      }

      const root = table.rootRoute;
      it(`root route: receiver ${root.receiver}${root.groupBy ? `, group_by [${root.groupBy.join(", ")}]` : ""}${["groupWait", "groupInterval", "repeatInterval", "resolveTimeout"].filter((k) => root[k as keyof typeof root]).map((k) => `, ${k} ${String(root[k as keyof typeof root])}`).join("")}`, () => checkRootRoute(stack, root));

      for (const route of table.routes) it(routeTitle(route), () => checkRoute(stack, alertmanagerFile, route));
      for (const inhibition of table.inhibitions) it(inhibitionTitle(inhibition), () => checkInhibition(stack, inhibition));
      for (const interval of table.timeIntervals) {
        it(`time interval ${interval.name}${interval.weekdays ? ` ${interval.weekdays.join(",")}` : ""}${interval.times ? ` ${interval.times.map((t) => `${t.start}-${t.end}`).join(",")}` : ""}${interval.location ? ` ${interval.location}` : ""}`, () => checkTimeInterval(stack, interval));
      }
    });

    // Channels the document offers as additions ("Adding Slack Notifications: ...") are checked
    // on the profile rendered with test/fidelity/<profile>.additions.yaml, the document's
    // snippets written as chart values; credentials of those additions must be read from a Secret.
    const withOptional = table.receivers.filter((r) => optionalChannels(r).length > 0);
    if (withOptional.length > 0) {
      describe(`the document's optional additions (profile + ${basename(additionsFile(table.profile))})`, () => {
        let added: RenderedStack;
        before(function () {
          this.timeout(120_000);
          expect(existsSync(additionsFile(table.profile)), `${additionsFile(table.profile)}: the table lists optional channels; write the document's additions as values there`).to.equal(true);
          added = new RenderedStack([valuesFile, additionsFile(table.profile)]);
        });
        for (const receiver of withOptional) {
          it(`receiver ${receiver.name} also delivers to ${optionalChannels(receiver).map(channelText).join(", ")}`, () => checkReceiver(added, receiver, receiver.channels));
        }
        for (const secret of table.secrets.filter((s) => s.optional === true)) {
          it(`${secret.key} is read from a Secret (${secret.purpose})`, () => expect(secretKeysReferenced(added), "Secret keys the rendered chart reads").to.include(secret.key));
        }
      });
    }

    describe("topology", () => {
      for (const entry of topologyEntries(table.topology)) {
        const title = `${entry.path}: ${JSON.stringify(entry.value)}`;
        if (entry.context !== undefined) {
          before(() => notChecked.push(`${table.profile}: ${entry.path}: ${entry.context}`));
        } else if (entry.pending !== undefined) {
          it(`${title} [pending: ${entry.pending}]`, function () {
            pendingReasons.push(`${table.profile}: ${entry.path}: ${entry.pending}`);
            this.skip();
          });
        } else {
          it(title, () => checkTopology(stack, table, entry));
        }
      }
    });

    describe("dashboards", () => {
      for (const dashboard of table.dashboards) {
        it(`dashboard "${dashboard.title}": ${dashboard.panels.length} panels${dashboard.refresh ? `, refresh ${dashboard.refresh}` : ""}${dashboard.timeFrom ? `, from ${dashboard.timeFrom}` : ""}`, () => checkDashboard(stack, dashboard));
      }
    });

    describe("credentials", () => {
      for (const secret of table.secrets.filter((s) => s.optional !== true)) {
        it(`${secret.key} is read from a Secret (${secret.purpose})`, () => {
          expect(secretKeysReferenced(stack), "Secret keys the rendered chart reads").to.include(secret.key);
        });
      }
    });

    describe("deviations (the profile differs from its document on purpose)", () => {
      for (const deviation of documentTable.deviations ?? []) {
        it(`${deviation.target}: the profile renders ${JSON.stringify(deviation.profile)}, not the document's ${JSON.stringify(deviation.document)}`, () => {
          const withDocument = failureOf(() => checkTarget(stack, alertmanagerFile, withTableValue(table, deviation.target, deviation.document), deviation.target));
          expect(withDocument, `${deviation.target}: the deviation no longer applies (the render holds the document's value ${JSON.stringify(deviation.document)}); remove it from deviations`).to.be.a("string");
          const withProfile = failureOf(() => checkTarget(stack, alertmanagerFile, table, deviation.target));
          expect(withProfile, `${deviation.target}: the render holds neither the document's nor the deviation's profile value`).to.equal(undefined);
        });
      }
    });
  });
}

/**
 * Every Secret key a rendered pod reads: env secretKeyRefs, Secret volume items, and *_file paths
 * of alertmanager.yml; and the Secrets ingress-nginx reads for basic auth, by name (the
 * auth-secret annotation names a whole htpasswd Secret).
 */
function secretKeysReferenced(stack: RenderedStack): string[] {
  const keys = new Set<string>();
  const visit = (value: unknown, parentKey: string): void => {
    if (Array.isArray(value)) return value.forEach((item) => visit(item, parentKey));
    if (typeof value !== "object" || value === null) {
      if (parentKey.endsWith("_file") && typeof value === "string") keys.add(basename(value));
      return;
    }
    const obj = value as Record<string, unknown>;
    if (parentKey === "secretKeyRef" && typeof obj.key === "string") keys.add(obj.key);
    if (parentKey === "secret" && Array.isArray(obj.items)) for (const item of obj.items as Array<{ key: string }>) keys.add(item.key);
    for (const [key, child] of Object.entries(obj)) visit(child, key);
  };
  for (const workload of stack.workloads) visit(workload.spec, "");
  visit(stack.alertmanagerConfig, "");
  for (const ingress of stack.objects.filter((o) => o.kind === "Ingress")) {
    const htpasswd = (ingress.metadata as { annotations?: Record<string, string> }).annotations?.["nginx.ingress.kubernetes.io/auth-secret"];
    if (htpasswd) keys.add(htpasswd);
  }
  return [...keys].sort();
}

// What could not be checked, and why, printed once after the run (the dot reporter hides titles).
const pendingReasons: string[] = [];
const notChecked: string[] = [];
after(() => {
  if (pendingReasons.length > 0) console.log(`\nfidelity: pending (the chart cannot express it yet):\n  ${pendingReasons.join("\n  ")}`);
  if (notChecked.length > 0) console.log(`fidelity: not a property of the chart (environment facts from the documents):\n  ${notChecked.join("\n  ")}`);
});

// Every deviation of every table, printed on every run before the checks.
const deviationLines: string[] = [];
before(() => {
  if (deviationLines.length > 0) console.log(`\nfidelity: deviations (the profile differs from its document on purpose):\n  ${deviationLines.join("\n  ")}`);
});

for (const file of fidelityTableFiles()) {
  let table: FidelityTable;
  try {
    table = loadFidelityTable(file);
  } catch (error) {
    describe(`fidelity: ${basename(file)}`, () => it("loads", () => { throw error; }));
    continue;
  }
  for (const d of table.deviations ?? []) {
    deviationLines.push(`${table.profile}: ${d.target}: document ${JSON.stringify(d.document)}, profile ${JSON.stringify(d.profile)}: ${d.reason}`);
  }
  defineProfile(table);
}
