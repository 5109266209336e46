// Semantic checks of the Alertmanager configuration, to the standard `amtool check-config`
// 0.34.2 applies: matchers in Alertmanager's own grammar, a root route without matchers,
// continue or time intervals, non-zero group/repeat intervals, routes that name defined
// receivers and time intervals, time intervals in range (and able to match at least once),
// locations Alertmanager can load, and notification templates that parse with the
// functions Alertmanager has. Every receiver should be used.
import { durationSeconds } from "../duration.js";
import type { AlertmanagerValues, Route, TimeInterval } from "../types/values.js";
import type { Findings, Segments } from "./findings.js";
import { checkGoTemplate } from "../go-template.js";
import { alertmanagerTemplates } from "../go-template-dialects.js";
import { parseMatchers } from "./matchers.js";
import { timeZoneProblem } from "./timezones.js";

function* walkRoutes(route: Route, segments: Segments): Generator<{ route: Route; segments: Segments }> {
  yield { route, segments };
  for (const [index, child] of (route.routes ?? []).entries()) yield* walkRoutes(child, [...segments, "routes", index]);
}

/** Each string of a matchers list, parsed as Alertmanager parses it by default. */
function checkMatchers(list: string[] | undefined, segments: Segments, findings: Findings): void {
  for (const [index, text] of (list ?? []).entries()) {
    const parsed = parseMatchers(text);
    const at: Segments = [...segments, index];
    if (!parsed.ok) {
      findings.addInString("error", at, `invalid matcher ${JSON.stringify(text)} at column ${parsed.error.column}: ${parsed.error.message}`, 1, parsed.error.column);
    } else if (parsed.utf8Error) {
      // Alertmanager accepts it through its classic parser and logs a warning at every load.
      const rewritten = parsed.matchers.map((m) => `${m.name}${m.type}${JSON.stringify(m.value)}`).join(", ");
      findings.addInString("warning", at, `matcher ${JSON.stringify(text)} is read by Alertmanager's deprecated classic parser only (column ${parsed.utf8Error.column}: ${parsed.utf8Error.message}); write it as ${JSON.stringify(rewritten)}`, 1, parsed.utf8Error.column);
    }
  }
}

function checkGroupBy(route: Route, segments: Segments, findings: Findings): void {
  const labels = route.groupBy ?? [];
  if (labels.includes("...") && labels.length > 1) findings.add("error", [...segments, "groupBy"], 'groupBy cannot mix "..." (group by all labels) with label names');
  labels.forEach((label, index) => {
    if (labels.indexOf(label) !== index) findings.add("error", [...segments, "groupBy", index], `label "${label}" is listed twice in groupBy`);
  });
}

function checkRouting(alertmanager: AlertmanagerValues, findings: Findings): void {
  const receivers = Object.keys(alertmanager.receivers ?? {});
  const intervals = Object.keys(alertmanager.timeIntervals ?? {});
  const used = new Set<string>();
  const root = alertmanager.route;
  if (!root) return;
  const rootSegments: Segments = ["alertmanager", "route"];
  if (!root.receiver) findings.add("error", [...rootSegments, "receiver"], "the root route must name a receiver");
  // The root route receives every alert: Alertmanager refuses anything that would narrow it.
  if ((root.matchers ?? []).length > 0) findings.add("error", [...rootSegments, "matchers"], "the root route must not have matchers: every alert enters it (put matchers on a child route in routes)", undefined, true);
  if (root.continue === true) findings.add("error", [...rootSegments, "continue"], "the root route cannot have continue: it has no siblings", undefined, true);
  for (const key of ["muteTimeIntervals", "activeTimeIntervals"] as const) {
    if ((root[key] ?? []).length > 0) findings.add("error", [...rootSegments, key], `the root route must not have ${key}: set them on child routes`, undefined, true);
  }
  for (const { route, segments } of walkRoutes(root, rootSegments)) {
    if (route.receiver !== undefined) {
      used.add(route.receiver);
      if (!receivers.includes(route.receiver)) {
        findings.add("error", [...segments, "receiver"], `route names receiver "${route.receiver}", which is not defined in alertmanager.receivers (defined: ${receivers.join(", ") || "none"})`);
      }
    }
    checkMatchers(route.matchers, [...segments, "matchers"], findings);
    checkGroupBy(route, segments, findings);
    // Route label values are rendered as templates for every alert group; one that does not parse fails each time.
    for (const [label, value] of Object.entries(route.labels ?? {})) {
      const problem = checkGoTemplate(value ?? "", alertmanagerTemplates);
      if (problem) {
        findings.addInString("error", [...segments, "labels", label], `route label "${label}" is a template Alertmanager cannot render (${problem.line}:${problem.column}: ${problem.message})`, problem.line, problem.column);
      }
    }
    for (const key of ["groupInterval", "repeatInterval"] as const) {
      const duration = route[key];
      if (duration !== undefined && durationSeconds(duration) === 0) findings.add("error", [...segments, key], `${key} must be greater than zero (Alertmanager refuses ${duration})`);
    }
    for (const key of ["activeTimeIntervals", "muteTimeIntervals"] as const) {
      for (const [index, name] of (route[key] ?? []).entries()) {
        if (!intervals.includes(name)) findings.add("error", [...segments, key, index], `route names time interval "${name}", which is not defined in alertmanager.timeIntervals (defined: ${intervals.join(", ") || "none"})`);
      }
    }
  }
  for (const name of receivers) {
    if (!used.has(name)) findings.add("warning", ["alertmanager", "receivers", name], `receiver "${name}" is defined but no route sends to it`, undefined, true);
  }
}

function checkInhibitRules(alertmanager: AlertmanagerValues, findings: Findings): void {
  for (const [index, rule] of (alertmanager.inhibitRules ?? []).entries()) {
    const segments: Segments = ["alertmanager", "inhibitRules", index];
    checkMatchers(rule.sourceMatchers, [...segments, "sourceMatchers"], findings);
    checkMatchers(rule.targetMatchers, [...segments, "targetMatchers"], findings);
    // One side may be open (Alertmanager allows it); with both open, any alert mutes any other.
    if ((rule.sourceMatchers ?? []).length === 0 && (rule.targetMatchers ?? []).length === 0) {
      findings.add("warning", segments, "inhibit rule has neither sourceMatchers nor targetMatchers: any firing alert mutes every other alert that shares its equal labels");
    }
  }
}

const weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"];

/** Whether a value falls in one of Alertmanager's "a" or "a:b" ranges; no ranges match everything. */
function inRanges(ranges: string[] | undefined, value: number, parse: (text: string) => number): boolean {
  if (!ranges || ranges.length === 0) return true;
  return ranges.some((range) => {
    const [start, end = start] = range.split(":").map(parse) as [number, number];
    return start <= value && value <= end;
  });
}

/** Whether a time interval matches on at least one day of a full 28-year calendar cycle. */
function matchesSomeDay(interval: TimeInterval): boolean {
  const firstYear = interval.years?.[0] ? Number(interval.years[0].split(":")[0]) : 2024;
  for (let day = new Date(Date.UTC(firstYear, 0, 1)); day.getUTCFullYear() < firstYear + 28; day.setUTCDate(day.getUTCDate() + 1)) {
    const daysInMonth = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 0)).getUTCDate();
    const dayOfMonth = (text: string) => (Number(text) < 0 ? daysInMonth + Number(text) + 1 : Number(text));
    if (
      inRanges(interval.weekdays, day.getUTCDay(), (text) => weekdays.indexOf(text.toLowerCase())) &&
      inRanges(interval.daysOfMonth, day.getUTCDate(), dayOfMonth) &&
      inRanges(interval.months, day.getUTCMonth() + 1, (text) => (/^\d+$/.test(text) ? Number(text) : months.indexOf(text.toLowerCase()) + 1)) &&
      inRanges(interval.years, day.getUTCFullYear(), Number)
    ) {
      return true;
    }
  }
  return false;
}

type Range = { start: number; end: number };

/** An "a" or "a:b" range, each end read by `member` (undefined when it is not one). */
function readRange(text: string, member: (part: string) => number | undefined, what: string): Range | string {
  const parts = text.toLowerCase().split(":");
  if (parts.length > 2) return `${text} is not a range (use start:end)`;
  const [start, end] = [member(parts[0]!), member(parts[parts.length - 1]!)];
  if (start === undefined) return `${text.split(":")[0]} is not ${what}`;
  if (end === undefined) return `${text.split(":")[1]} is not ${what}`;
  return { start, end };
}

/** Alertmanager's own checks of each range field (timeinterval.go), as messages by index. */
function rangeProblems(interval: TimeInterval): Array<{ field: keyof TimeInterval; index: number; message: string }> {
  const problems: Array<{ field: keyof TimeInterval; index: number; message: string }> = [];
  const each = (field: "weekdays" | "daysOfMonth" | "months" | "years", member: (part: string) => number | undefined, check: (range: Range, text: string) => string | undefined) => {
    const what = { weekdays: "a weekday (monday to sunday)", daysOfMonth: "a day of the month", months: "a month (january to december, or 1 to 12)", years: "a year" }[field];
    for (const [index, text] of (interval[field] ?? []).entries()) {
      const range = readRange(text, member, what);
      const message = typeof range === "string" ? range : check(range, text);
      if (message) problems.push({ field, index, message });
    }
  };
  const integer = (part: string) => (/^-?\d+$/.test(part) ? Number(part) : undefined);
  each("weekdays", (part) => (weekdays.includes(part) ? weekdays.indexOf(part) : undefined), (range, text) =>
    range.start > range.end ? `${text}: the start day comes after the end day (weeks run sunday to saturday; split it, e.g. saturday and sunday)` : undefined);
  each("daysOfMonth", integer, (range, text) => {
    for (const day of [range.start, range.end]) if (day === 0 || day < -31 || day > 31) return `${text}: ${day} is not a day of the month (1 to 31, or -31 to -1 counting from the end)`;
    if (range.start < 0 && range.end > 0) return `${text}: a range that starts counting from the end must also end counting from the end`;
    const [start, end] = [range.start < 0 ? 28 + range.start : range.start, range.end < 0 ? 28 + range.end : range.end];
    return start > end ? `${text}: the end day is always before the start day` : undefined;
  });
  each("months", (part) => (months.includes(part) ? months.indexOf(part) + 1 : integer(part)), (range, text) => {
    for (const month of [range.start, range.end]) if (month < 1 || month > 12) return `${text}: ${month} is not a month (1 to 12)`;
    return range.start > range.end ? `${text}: the end month is before the start month (split ranges that cross the new year)` : undefined;
  });
  each("years", integer, (range, text) => (range.start > range.end ? `${text}: the end year is before the start year` : undefined));
  return problems;
}

function checkTimeIntervals(alertmanager: AlertmanagerValues, findings: Findings): void {
  for (const [name, ranges] of Object.entries(alertmanager.timeIntervals ?? {})) {
    for (const [index, interval] of (ranges ?? []).entries()) {
      const segments: Segments = ["alertmanager", "timeIntervals", name, index];
      if (interval.location !== undefined) {
        const problem = timeZoneProblem(interval.location);
        if (problem) findings.add("error", [...segments, "location"], problem);
      }
      const problems = rangeProblems(interval);
      for (const problem of problems) findings.add("error", [...segments, problem.field, problem.index], `time interval "${name}": ${problem.message}`);
      if (problems.length > 0) continue;
      const emptyTime = (interval.times ?? []).findIndex((time) => time.start >= time.end);
      if (emptyTime >= 0) {
        const time = interval.times![emptyTime]!;
        findings.add("error", [...segments, "times", emptyTime], `time interval "${name}" never matches: its time range ${time.start}-${time.end} is empty (start must be before end; split ranges that cross midnight)`);
      } else if (!matchesSomeDay(interval)) {
        findings.add("error", segments, `time interval "${name}" never matches: no calendar day satisfies its weekdays, daysOfMonth, months and years together`);
      }
    }
  }
}

/** Notification templates: Go template syntax, and only functions Alertmanager defines. */
function checkTemplates(alertmanager: AlertmanagerValues, findings: Findings): void {
  for (const [name, text] of Object.entries(alertmanager.templates ?? {})) {
    if (typeof text !== "string") continue;
    const problem = checkGoTemplate(text, alertmanagerTemplates);
    if (problem) {
      findings.addInString("error", ["alertmanager", "templates", name], `template ${name}:${problem.line}:${problem.column}: ${problem.message}`, problem.line, problem.column);
    }
  }
}

export function checkAlertmanager(alertmanager: AlertmanagerValues, findings: Findings): void {
  checkRouting(alertmanager, findings);
  checkInhibitRules(alertmanager, findings);
  checkTimeIntervals(alertmanager, findings);
  checkTemplates(alertmanager, findings);
}
