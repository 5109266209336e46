// Fidelity tables (test/fidelity/<profile>.fidelity.yaml): what each source document asks of
// its profile, written from the document alone. This module loads a table and checks that it
// is well formed; the tests that hold the rendered chart against a table build on it.
// Format: test/fidelity/README.md.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseDocument } from "yaml";
import { repoRoot } from "../../generator/src/paths.js";

export const fidelityDir = join(repoRoot, "test", "fidelity");

export type Severity = "critical" | "warning" | "info";
export type ThresholdUnit = (typeof THRESHOLD_UNITS)[number];
/** A label matcher of an inhibition: one value (equality) or several (any of them). */
export type LabelMatch = Record<string, string | string[]>;

export interface FidelityAlert {
  group: string;
  alert: string;
  severity: Severity;
  for: string;
  priority?: string;
  condition?: string;
  op?: string;
  threshold?: number;
  thresholdUnit?: ThresholdUnit;
  quantile?: number;
  window?: string;
  metrics?: string[];
  labels?: Record<string, string>;
  summaryContains?: string;
  descriptionContains?: string[];
  named?: boolean;
  added?: boolean;
  rationale?: string;
  inferred?: string[];
}

export interface FidelityChannel {
  type: string;
  channel?: string;
  to?: string;
  url?: string;
  path?: string;
  /** The Secret key the URL is read from (a credential the document writes as a placeholder). */
  urlSecret?: string;
  title?: string;
  text?: string;
  from?: string;
  smarthost?: string;
  authUsername?: string;
  description?: string;
  headers?: Record<string, string>;
  sendResolved?: boolean;
  /** The document offers this channel as an addition ("Adding Slack Notifications"). */
  optional?: boolean;
  note?: string;
  [key: string]: unknown;
}

export interface FidelityReceiver {
  name: string;
  channels: FidelityChannel[];
  unrouted?: boolean;
  added?: boolean;
  rationale?: string;
}

export interface RouteSettings {
  groupBy?: string[];
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  continue?: boolean;
  activeTimeIntervals?: string[];
  muteTimeIntervals?: string[];
}

/** A routing case: an alert's labels (or the labels of a named alert of the table) and the
 *  receivers Alertmanager must pick, in tree order (amtool --verify.receivers). */
export interface FidelityRoute {
  labels?: Record<string, string>;
  alert?: string;
  receivers: string[];
  settings?: RouteSettings;
  added?: boolean;
  rationale?: string;
  inferred?: string[];
}

export interface FidelityInhibition {
  source: LabelMatch;
  target: LabelMatch;
  equal: string[];
  added?: boolean;
  rationale?: string;
}

/** Where the profile deliberately differs from its document: the table keeps the document's
 *  value at `target` and the comparison uses `profile` there instead. */
export interface FidelityDeviation {
  target: string;
  document: unknown;
  profile: unknown;
  reason: string;
}

export interface FidelityTable {
  profile: string;
  source: string;
  notes: string[];
  groups: Array<{ name: string; statedCount?: number }>;
  alertNamePattern?: string;
  alerts: FidelityAlert[];
  expectedAlertCount?: number;
  annotationsRequired?: string[];
  recordingRules?: Array<{ group: string; record: string; expr: string; interval?: string }>;
  receivers: FidelityReceiver[];
  rootRoute: RouteSettings & { receiver: string; resolveTimeout?: string; inferred?: string[] };
  routes: FidelityRoute[];
  inhibitions: FidelityInhibition[];
  timeIntervals: Array<{ name: string; weekdays?: string[]; times?: Array<{ start: string; end: string }>; location?: string }>;
  topology: Record<string, unknown>;
  dashboards: Array<{ title: string; panelCount?: number; refresh?: string; timeFrom?: string; panels: Array<{ title: string; type: string }> }>;
  secrets: Array<{ key: string; purpose: string; optional?: boolean }>;
  deviations?: FidelityDeviation[];
}

const SEVERITIES = ["critical", "warning", "info"];
const OPS = [">", "<", ">=", "<=", "==", "!="];
const THRESHOLD_UNITS = ["count", "ratio", "percent", "seconds", "days", "per-second", "per-minute", "celsius", "bytes"] as const;
const CHANNEL_TYPES = ["slack", "email", "pagerduty", "webhook", "discord"];
const PANEL_TYPES = ["timeseries", "gauge", "stat", "table", "bargauge", "barchart", "piechart", "heatmap", "text", "alertlist"];

const TOP_KEYS = {
  required: ["profile", "source", "notes", "groups", "alerts", "receivers", "rootRoute", "routes", "inhibitions", "timeIntervals", "topology", "dashboards", "secrets"],
  optional: ["alertNamePattern", "expectedAlertCount", "annotationsRequired", "recordingRules", "deviations"],
};
const ALERT_KEYS = {
  required: ["group", "alert", "severity", "for"],
  optional: ["priority", "condition", "op", "threshold", "thresholdUnit", "quantile", "window", "metrics", "labels", "summaryContains", "descriptionContains", "named", "added", "rationale", "inferred"],
};
const CHANNEL_KEYS = ["type", "channel", "to", "url", "path", "urlSecret", "title", "text", "from", "smarthost", "authUsername", "description", "headers", "sendResolved", "optional", "note", "service"];
const DEVIATION_KEYS = { required: ["target", "document", "profile", "reason"], optional: [] };
const ROUTE_SETTING_KEYS = ["groupBy", "groupWait", "groupInterval", "repeatInterval", "continue", "activeTimeIntervals", "muteTimeIntervals"];

// Keys whose value is a duration, a Prometheus byte size or a Kubernetes quantity wherever
// they appear in a table (topology included), checked with the contract's own patterns.
const DURATION_KEYS = new Set(["for", "window", "groupWait", "groupInterval", "repeatInterval", "resolveTimeout", "scrapeInterval", "scrapeTimeout", "evaluationInterval", "interval", "refresh", "retentionTime"]);
const BYTE_SIZE_KEYS = new Set(["retentionSize"]);
const QUANTITY_KEYS = new Set(["storageSize", "storageSizeMin", "memoryRequestsMax", "memoryLimitsMax", "cpu", "memory"]);

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const ALERT_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SECRET_KEY = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const SOURCE_FILE = /^[0-9]{3}_[0-9a-f]{16}\.txt$/;
const CLOCK = /^([01][0-9]|2[0-4]):[0-5][0-9]$/;
const TIME_FROM = /^now(-[0-9]+[smhdwy])?$/;

function contractPatterns(): { duration: RegExp; byteSize: RegExp; quantity: RegExp } {
  const common = JSON.parse(readFileSync(join(repoRoot, "schemas", "common.schema.json"), "utf8")) as {
    definitions: Record<string, { pattern: string }>;
  };
  const pattern = (name: string) => new RegExp(common.definitions[name]!.pattern);
  return { duration: pattern("duration"), byteSize: pattern("byteSize"), quantity: pattern("quantity") };
}
const patterns = contractPatterns();

export function isDuration(value: unknown): boolean {
  return typeof value === "string" && value !== "" && patterns.duration.test(value);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === "string" && v.trim() !== "";
const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);

/** Collects every problem of a table, each prefixed with its path inside the table. */
class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path || "(root)"}: ${message}`);
  }
  keys(path: string, obj: Obj, keys: { required: string[]; optional: string[] }): void {
    for (const key of keys.required) if (!(key in obj)) this.add(path, `missing required key "${key}"`);
    for (const key of Object.keys(obj)) {
      if (!keys.required.includes(key) && !keys.optional.includes(key)) this.add(path, `unknown key "${key}"`);
    }
  }
  /** `added: true` marks our completion of the document: it must say why. */
  added(path: string, obj: Obj): void {
    if (obj.added !== undefined && typeof obj.added !== "boolean") this.add(`${path}.added`, "must be true or false");
    if (obj.added === true && !isStr(obj.rationale)) this.add(path, "added: true needs a one-line rationale");
    if (obj.rationale !== undefined && obj.added !== true) this.add(`${path}.rationale`, "a rationale belongs to an added entry (added: true)");
  }
  /** `inferred` lists the keys of an entry whose values are ours, not the document's. */
  inferred(path: string, obj: Obj): void {
    if (obj.inferred === undefined) return;
    if (!isStrList(obj.inferred)) return this.add(`${path}.inferred`, "must be a list of key names");
    for (const key of obj.inferred) {
      const present = key in obj || (isObj(obj.settings) && key in obj.settings);
      if (!present) this.add(`${path}.inferred`, `names "${key}", which the entry does not set`);
    }
  }
}

/** Walks the whole table and checks durations, sizes and quantities by key name. */
function checkValuesByKey(problems: Problems, value: unknown, path: string): void {
  if (Array.isArray(value)) return value.forEach((item, i) => checkValuesByKey(problems, item, `${path}[${i}]`));
  if (!isObj(value)) return;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (DURATION_KEYS.has(key) && !isDuration(child)) problems.add(at, `${JSON.stringify(child)} is not a Prometheus duration`);
    if (BYTE_SIZE_KEYS.has(key) && !(typeof child === "string" && patterns.byteSize.test(child))) problems.add(at, `${JSON.stringify(child)} is not a Prometheus byte size (e.g. 50GB)`);
    if (QUANTITY_KEYS.has(key) && !(typeof child === "string" && patterns.quantity.test(child))) problems.add(at, `${JSON.stringify(child)} is not a Kubernetes quantity (e.g. 2Gi, 500m)`);
    checkValuesByKey(problems, child, at);
  }
}

function checkAlert(problems: Problems, a: Obj, path: string, groups: Set<string>): void {
  problems.keys(path, a, ALERT_KEYS);
  if (!isStr(a.alert) || !ALERT_NAME.test(a.alert)) problems.add(`${path}.alert`, `${JSON.stringify(a.alert)} is not an alert name`);
  if (!isStr(a.group) || !groups.has(a.group)) problems.add(`${path}.group`, `${JSON.stringify(a.group)} is not one of the groups (${[...groups].join(", ")})`);
  if (!SEVERITIES.includes(a.severity as string)) problems.add(`${path}.severity`, `${JSON.stringify(a.severity)} is not one of ${SEVERITIES.join(", ")}`);
  if (a.priority !== undefined && !/^P[0-4]$/.test(String(a.priority))) problems.add(`${path}.priority`, `${JSON.stringify(a.priority)} is not P0..P4`);
  if (a.op !== undefined && !OPS.includes(a.op as string)) problems.add(`${path}.op`, `${JSON.stringify(a.op)} is not one of ${OPS.join(" ")}`);
  if (a.threshold !== undefined) {
    if (typeof a.threshold !== "number" || !Number.isFinite(a.threshold)) problems.add(`${path}.threshold`, "must be a number");
    if (a.op === undefined) problems.add(path, "a threshold needs its comparison (op)");
    if (!THRESHOLD_UNITS.includes(a.thresholdUnit as ThresholdUnit)) problems.add(`${path}.thresholdUnit`, `${JSON.stringify(a.thresholdUnit)} is not one of ${THRESHOLD_UNITS.join(", ")}`);
    if (a.thresholdUnit === "percent" && typeof a.threshold === "number" && (a.threshold < 0 || a.threshold > 100)) problems.add(`${path}.threshold`, "a percent lies between 0 and 100");
  } else if (a.thresholdUnit !== undefined) {
    problems.add(`${path}.thresholdUnit`, "set without a threshold");
  }
  if (a.quantile !== undefined && !(typeof a.quantile === "number" && a.quantile > 0 && a.quantile < 1)) problems.add(`${path}.quantile`, "must lie strictly between 0 and 1");
  if (a.metrics !== undefined && !(isStrList(a.metrics) && a.metrics.every((m) => METRIC_NAME.test(m)))) problems.add(`${path}.metrics`, "must be a list of metric names");
  if (a.labels !== undefined && !(isObj(a.labels) && Object.entries(a.labels).every(([k, v]) => LABEL_NAME.test(k) && isStr(v)))) problems.add(`${path}.labels`, "must map label names to values");
  if (a.summaryContains !== undefined && !isStr(a.summaryContains)) problems.add(`${path}.summaryContains`, "must be a non-empty string");
  if (a.descriptionContains !== undefined && !(isStrList(a.descriptionContains) && a.descriptionContains.length > 0)) problems.add(`${path}.descriptionContains`, "must be a non-empty list of strings");
  if (a.named !== undefined && typeof a.named !== "boolean") problems.add(`${path}.named`, "must be true or false");
  if (a.added === true && a.named !== false) problems.add(path, "an added alert has a name of ours: set named: false");
  problems.added(path, a);
  problems.inferred(path, a);
}

function checkLabelMatch(problems: Problems, match: unknown, path: string, alertNames: Set<string>): void {
  if (!isObj(match) || Object.keys(match).length === 0) return problems.add(path, "must be a non-empty map of label matchers");
  for (const [label, value] of Object.entries(match)) {
    if (!LABEL_NAME.test(label)) problems.add(`${path}.${label}`, "is not a label name");
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0 || !values.every(isStr)) problems.add(`${path}.${label}`, "must be a value or a non-empty list of values");
    if (label === "alertname") {
      for (const name of values) if (isStr(name) && !alertNames.has(name)) problems.add(`${path}.alertname`, `names "${name}", which is not an alert of this table`);
    }
  }
}

function checkRouteSettings(problems: Problems, settings: unknown, path: string, intervals: Set<string>): void {
  if (!isObj(settings)) return problems.add(path, "must be a map");
  for (const key of Object.keys(settings)) if (!ROUTE_SETTING_KEYS.includes(key)) problems.add(path, `unknown key "${key}"`);
  if (settings.continue !== undefined && typeof settings.continue !== "boolean") problems.add(`${path}.continue`, "must be true or false");
  for (const key of ["activeTimeIntervals", "muteTimeIntervals"]) {
    const names = settings[key];
    if (names === undefined) continue;
    if (!isStrList(names) || names.length === 0) problems.add(`${path}.${key}`, "must be a non-empty list of time interval names");
    else for (const name of names) if (!intervals.has(name)) problems.add(`${path}.${key}`, `names "${name}", which is not among timeIntervals`);
  }
}

/** Every problem of one parsed table; an empty list means the table is well formed. */
export function fidelityProblems(data: unknown, fileName: string): string[] {
  const problems = new Problems();
  if (!isObj(data)) return [`(root): a fidelity table is a map, got ${JSON.stringify(data)}`];
  problems.keys("", data, TOP_KEYS);

  const expectedProfile = basename(fileName).replace(/\.fidelity\.ya?ml$/, "");
  if (data.profile !== expectedProfile) problems.add("profile", `${JSON.stringify(data.profile)} does not match the file name (${expectedProfile})`);
  if (!isStr(data.source) || !SOURCE_FILE.test(data.source)) problems.add("source", `${JSON.stringify(data.source)} is not a seed document name (NNN_<16 hex>.txt)`);
  if (!isStrList(data.notes)) problems.add("notes", "must be a list of strings");

  // Groups and alerts.
  const groups = Array.isArray(data.groups) ? data.groups.filter(isObj) : [];
  if (!Array.isArray(data.groups) || groups.length === 0) problems.add("groups", "must list at least one rule group");
  const groupNames = new Set<string>();
  groups.forEach((g, i) => {
    if (!isStr(g.name)) problems.add(`groups[${i}].name`, "must be a non-empty string");
    else if (groupNames.has(g.name)) problems.add(`groups[${i}].name`, `duplicate group "${g.name}"`);
    else groupNames.add(g.name);
    if (g.statedCount !== undefined && !(Number.isInteger(g.statedCount) && (g.statedCount as number) > 0)) problems.add(`groups[${i}].statedCount`, "must be a positive integer");
  });

  const alerts = Array.isArray(data.alerts) ? data.alerts : [];
  if (alerts.length === 0) problems.add("alerts", "must list at least one alert");
  const alertNames = new Set<string>();
  const alertsByName = new Map<string, Obj>();
  alerts.forEach((a, i) => {
    const path = `alerts[${i}]`;
    if (!isObj(a)) return problems.add(path, "must be a map");
    checkAlert(problems, a, path, groupNames);
    if (isStr(a.alert)) {
      if (alertNames.has(a.alert)) problems.add(`${path}.alert`, `duplicate alert "${a.alert}"`);
      alertNames.add(a.alert);
      alertsByName.set(a.alert, a);
    }
  });
  for (const name of groupNames) {
    if (!alerts.some((a) => isObj(a) && a.group === name)) problems.add("groups", `group "${name}" has no alert`);
  }
  if (data.alertNamePattern !== undefined) {
    const pattern = new RegExp(`^(?:${String(data.alertNamePattern)})$`);
    for (const name of alertNames) if (!pattern.test(name)) problems.add("alertNamePattern", `alert "${name}" does not match ${String(data.alertNamePattern)}`);
  }
  if (data.expectedAlertCount !== undefined && data.expectedAlertCount !== alerts.length) {
    problems.add("expectedAlertCount", `the document states ${String(data.expectedAlertCount)} alerts, the table lists ${alerts.length}`);
  }
  if (data.annotationsRequired !== undefined && !isStrList(data.annotationsRequired)) problems.add("annotationsRequired", "must be a list of annotation names");

  (Array.isArray(data.recordingRules) ? data.recordingRules : []).forEach((r, i) => {
    const path = `recordingRules[${i}]`;
    if (!isObj(r) || !isStr(r.group) || !isStr(r.expr) || !isStr(r.record) || !METRIC_NAME.test(r.record)) problems.add(path, "needs group, a record metric name and expr");
  });

  // Time intervals, receivers and routes.
  const intervalNames = new Set<string>();
  (Array.isArray(data.timeIntervals) ? data.timeIntervals : []).forEach((t, i) => {
    const path = `timeIntervals[${i}]`;
    if (!isObj(t) || !isStr(t.name)) return problems.add(path, "needs a name");
    intervalNames.add(t.name);
    if (t.times !== undefined && !(Array.isArray(t.times) && t.times.every((r) => isObj(r) && CLOCK.test(String(r.start)) && CLOCK.test(String(r.end)) && String(r.start) < String(r.end)))) {
      problems.add(`${path}.times`, "must be a list of {start, end} HH:MM ranges with start before end");
    }
    if (t.weekdays !== undefined && !isStrList(t.weekdays)) problems.add(`${path}.weekdays`, "must be a list of weekday ranges");
    problems.inferred(path, t);
  });

  const receivers = Array.isArray(data.receivers) ? data.receivers : [];
  if (receivers.length === 0) problems.add("receivers", "must list at least one receiver");
  const receiverNames = new Set<string>();
  const unrouted = new Set<string>();
  receivers.forEach((r, i) => {
    const path = `receivers[${i}]`;
    if (!isObj(r) || !isStr(r.name)) return problems.add(path, "needs a name");
    if (receiverNames.has(r.name)) problems.add(`${path}.name`, `duplicate receiver "${r.name}"`);
    receiverNames.add(r.name);
    if (r.unrouted === true) unrouted.add(r.name);
    problems.added(path, r);
    const channels = Array.isArray(r.channels) ? r.channels : [];
    if (channels.length === 0) problems.add(`${path}.channels`, "a receiver delivers somewhere: list at least one channel");
    channels.forEach((c, j) => {
      const at = `${path}.channels[${j}]`;
      if (!isObj(c) || !CHANNEL_TYPES.includes(c.type as string)) return problems.add(at, `type must be one of ${CHANNEL_TYPES.join(", ")}`);
      if (c.type === "slack" && !(isStr(c.channel) && c.channel.startsWith("#"))) problems.add(`${at}.channel`, "a Slack channel starts with #");
      if (c.type === "email" && !isStr(c.to)) problems.add(`${at}.to`, "an email channel needs its recipient");
      if (c.type === "webhook" && !isStr(c.url) && !isStr(c.path) && !isStr(c.urlSecret)) problems.add(at, "a webhook needs a url, a path or a urlSecret");
      for (const key of Object.keys(c)) if (!CHANNEL_KEYS.includes(key)) problems.add(at, `unknown key "${key}"`);
      for (const key of ["channel", "to", "url", "path", "urlSecret", "title", "text", "from", "smarthost", "authUsername", "description", "note", "service"]) {
        if (c[key] !== undefined && !isStr(c[key])) problems.add(`${at}.${key}`, "must be a non-empty string");
      }
      for (const key of ["sendResolved", "optional"]) if (c[key] !== undefined && typeof c[key] !== "boolean") problems.add(`${at}.${key}`, "must be true or false");
      if (c.headers !== undefined && !(isObj(c.headers) && Object.values(c.headers).every(isStr))) problems.add(`${at}.headers`, "must map header names to values");
      if (isStr(c.urlSecret) && !secretKeysOf(data).includes(c.urlSecret)) problems.add(`${at}.urlSecret`, `"${c.urlSecret}" is not a key of secrets`);
    });
  });

  const root = data.rootRoute;
  const referenced = new Set<string>();
  if (!isObj(root) || !isStr(root.receiver)) problems.add("rootRoute", "needs a receiver");
  else {
    referenced.add(root.receiver);
    if (!receiverNames.has(root.receiver)) problems.add("rootRoute.receiver", `"${root.receiver}" is not a receiver of this table`);
    if (root.groupBy !== undefined && !isStrList(root.groupBy)) problems.add("rootRoute.groupBy", "must be a list of label names");
    problems.inferred("rootRoute", root);
  }

  const routes = Array.isArray(data.routes) ? data.routes : [];
  if (routes.length === 0) problems.add("routes", "must list at least one routing case");
  routes.forEach((r, i) => {
    const path = `routes[${i}]`;
    if (!isObj(r)) return problems.add(path, "must be a map");
    for (const key of Object.keys(r)) if (!["labels", "alert", "receivers", "settings", "added", "rationale", "inferred"].includes(key)) problems.add(path, `unknown key "${key}"`);
    if (r.labels === undefined && r.alert === undefined) problems.add(path, "needs labels, an alert of the table, or both");
    if (r.labels !== undefined && !(isObj(r.labels) && Object.keys(r.labels).length > 0 && Object.entries(r.labels).every(([k, v]) => LABEL_NAME.test(k) && isStr(v)))) {
      problems.add(`${path}.labels`, "must be a non-empty map of label names to values");
    }
    if (r.alert !== undefined) {
      const alert = isStr(r.alert) ? alertsByName.get(r.alert) : undefined;
      if (!alert) problems.add(`${path}.alert`, `${JSON.stringify(r.alert)} is not an alert of this table`);
      else if (isObj(r.labels) && r.labels.severity !== undefined && r.labels.severity !== alert.severity) {
        problems.add(`${path}.labels.severity`, `contradicts the alert's severity (${String(alert.severity)})`);
      }
    }
    if (!isStrList(r.receivers) || r.receivers.length === 0) problems.add(`${path}.receivers`, "must be a non-empty list of receiver names");
    else {
      for (const name of r.receivers) {
        referenced.add(name);
        if (!receiverNames.has(name)) problems.add(`${path}.receivers`, `"${name}" is not a receiver of this table`);
        if (unrouted.has(name)) problems.add(`${path}.receivers`, `"${name}" is marked unrouted`);
      }
      if (new Set(r.receivers).size !== r.receivers.length) problems.add(`${path}.receivers`, "names a receiver twice");
    }
    if (r.settings !== undefined) checkRouteSettings(problems, r.settings, `${path}.settings`, intervalNames);
    problems.added(path, r);
    problems.inferred(path, r);
  });
  for (const name of receiverNames) {
    if (!referenced.has(name) && !unrouted.has(name)) problems.add("receivers", `"${name}" is reached by no routing case; add one or mark it unrouted: true`);
  }

  (Array.isArray(data.inhibitions) ? data.inhibitions : []).forEach((h, i) => {
    const path = `inhibitions[${i}]`;
    if (!isObj(h)) return problems.add(path, "must be a map");
    checkLabelMatch(problems, h.source, `${path}.source`, alertNames);
    checkLabelMatch(problems, h.target, `${path}.target`, alertNames);
    if (!(isStrList(h.equal) && h.equal.every((l) => LABEL_NAME.test(l)))) problems.add(`${path}.equal`, "must be a list of label names");
    problems.added(path, h);
  });

  // Dashboards and secrets.
  (Array.isArray(data.dashboards) ? data.dashboards : []).forEach((d, i) => {
    const path = `dashboards[${i}]`;
    if (!isObj(d) || !isStr(d.title)) return problems.add(path, "needs a title");
    const panels = Array.isArray(d.panels) ? d.panels : [];
    if (panels.length === 0) problems.add(`${path}.panels`, "must list the panels in order");
    if (d.panelCount !== undefined && d.panelCount !== panels.length) problems.add(`${path}.panelCount`, `the document states ${String(d.panelCount)} panels, the table lists ${panels.length}`);
    const titles = new Set<string>();
    panels.forEach((p, j) => {
      const at = `${path}.panels[${j}]`;
      if (!isObj(p) || !isStr(p.title)) return problems.add(at, "needs a title");
      if (titles.has(p.title)) problems.add(`${at}.title`, `duplicate panel "${p.title}"`);
      titles.add(p.title);
      if (!PANEL_TYPES.includes(p.type as string)) problems.add(`${at}.type`, `${JSON.stringify(p.type)} is not one of ${PANEL_TYPES.join(", ")}`);
      if (p.thresholds !== undefined && !(Array.isArray(p.thresholds) && p.thresholds.every((t) => typeof t === "number" || (isObj(t) && typeof t.value === "number" && isStr(t.color))))) {
        problems.add(`${at}.thresholds`, "must be a list of numbers or {color, value}");
      }
    });
    if (d.timeFrom !== undefined && !TIME_FROM.test(String(d.timeFrom))) problems.add(`${path}.timeFrom`, `${JSON.stringify(d.timeFrom)} is not a Grafana relative time (now-1h)`);
    problems.added(path, d);
    problems.inferred(path, d);
  });

  const secretKeys = new Set<string>();
  (Array.isArray(data.secrets) ? data.secrets : []).forEach((s, i) => {
    const path = `secrets[${i}]`;
    if (!isObj(s) || !isStr(s.key) || !SECRET_KEY.test(s.key)) return problems.add(path, "needs a key in lower-kebab case");
    if (secretKeys.has(s.key)) problems.add(`${path}.key`, `duplicate secret key "${s.key}"`);
    secretKeys.add(s.key);
    if (!isStr(s.purpose)) problems.add(`${path}.purpose`, "say what the credential is for");
    if (s.optional !== undefined && typeof s.optional !== "boolean") problems.add(`${path}.optional`, "must be true or false");
  });

  if (!isObj(data.topology)) problems.add("topology", "must be a map");
  checkDeviations(problems, data);
  checkValuesByKey(problems, data, "");
  return problems.list;
}

const secretKeysOf = (data: Obj): string[] => (Array.isArray(data.secrets) ? data.secrets : []).flatMap((s) => (isObj(s) && isStr(s.key) ? [s.key] : []));

/** A deviation names an existing value of the table, holds it as the document's, and says why the profile differs. */
function checkDeviations(problems: Problems, data: Obj): void {
  if (data.deviations === undefined) return;
  if (!Array.isArray(data.deviations)) return problems.add("deviations", "must be a list");
  const targets = new Set<string>();
  data.deviations.forEach((d, i) => {
    const path = `deviations[${i}]`;
    if (!isObj(d)) return problems.add(path, "must be a map");
    problems.keys(path, d, DEVIATION_KEYS);
    if (!isStr(d.reason)) problems.add(`${path}.reason`, "say why the profile differs from the document");
    if (!isStr(d.target)) return problems.add(`${path}.target`, "must be a path into the table");
    if (targets.has(d.target)) problems.add(`${path}.target`, `duplicate deviation for ${d.target}`);
    targets.add(d.target);
    const found = tableValue(data, d.target);
    if (!found.found) return problems.add(`${path}.target`, `${d.target} is not in the table (${found.problem})`);
    if (!sameValue(found.value, d.document)) problems.add(`${path}.document`, `${JSON.stringify(d.document)} is not the table's value at ${d.target} (${JSON.stringify(found.value)}): the table keeps the document's value`);
    if ("profile" in d && sameValue(d.profile, d.document)) problems.add(`${path}.profile`, "equals the document's value: no deviation");
  });
}

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

// A target path: keys joined by dots, list items in brackets by index or by the item's
// alert, name, title or key (alerts[RabbitMQDown].metrics, inhibitions[4].equal,
// receivers[discord].channels[0].type, topology.prometheus.rbac.resources).
const ITEM_IDS = ["alert", "name", "title", "key"];

function targetSteps(target: string): string[] {
  return [...target.matchAll(/([^.[\]]+)|\[([^\]]+)\]/g)].map((m) => (m[1] ?? m[2])!);
}

/** The value at a target path of a table, or why there is none. */
export function tableValue(table: unknown, target: string): { found: true; value: unknown } | { found: false; problem: string } {
  let value: unknown = table;
  for (const step of targetSteps(target)) {
    if (Array.isArray(value)) {
      const item = /^[0-9]+$/.test(step) ? value[Number(step)] : value.find((v) => isObj(v) && ITEM_IDS.some((id) => v[id] === step));
      if (item === undefined) return { found: false, problem: `no item ${step}` };
      value = item;
    } else if (isObj(value) && step in value) {
      value = value[step];
    } else {
      return { found: false, problem: `no key ${step}` };
    }
  }
  return { found: true, value };
}

/** A copy of the table with `value` at the target path (which must exist). */
export function withTableValue<T>(table: T, target: string, value: unknown): T {
  const copy = structuredClone(table) as unknown;
  const steps = targetSteps(target);
  const parentPath = steps.slice(0, -1).map((s) => `[${s}]`).join("");
  const parent = tableValue(copy, parentPath);
  if (!parent.found) throw new Error(`${target}: ${parent.problem}`);
  const last = steps[steps.length - 1]!;
  const container = parent.value as Record<string, unknown> | unknown[];
  if (Array.isArray(container)) {
    const index = /^[0-9]+$/.test(last) ? Number(last) : container.findIndex((v) => isObj(v) && ITEM_IDS.some((id) => v[id] === last));
    container[index] = value;
  } else {
    container[last] = value;
  }
  return copy as T;
}

/** The table as the profile is expected to render it: every deviation's profile value in place. */
export function profileView(table: FidelityTable): FidelityTable {
  return (table.deviations ?? []).reduce((t, d) => withTableValue(t, d.target, d.profile), table);
}

/** Parses a table and returns it, or throws one error listing every problem with the file. */
export function loadFidelityTable(file: string): FidelityTable {
  const doc = parseDocument(readFileSync(file, "utf8"));
  if (doc.errors.length > 0) throw new Error(`${file}: YAML syntax: ${doc.errors.map((e) => e.message).join("; ")}`);
  const data: unknown = doc.toJS();
  const problems = fidelityProblems(data, file);
  if (problems.length > 0) throw new Error(`${file}: ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  return data as FidelityTable;
}

export function fidelityTableFiles(): string[] {
  return readdirSync(fidelityDir)
    .filter((name) => name.endsWith(".fidelity.yaml"))
    .sort()
    .map((name) => join(fidelityDir, name));
}
