// Semantic checks of the Alertmanager configuration: routes name defined receivers and time
// intervals, every receiver is used, inhibit rules have matchers on both sides, and every
// time interval can match at least once.
import type { AlertmanagerValues, Route, TimeInterval } from "../types/values.js";
import type { Findings, Segments } from "./findings.js";

function* walkRoutes(route: Route, segments: Segments): Generator<{ route: Route; segments: Segments }> {
  yield { route, segments };
  for (const [index, child] of (route.routes ?? []).entries()) yield* walkRoutes(child, [...segments, "routes", index]);
}

function checkRouting(alertmanager: AlertmanagerValues, findings: Findings): void {
  const receivers = Object.keys(alertmanager.receivers ?? {});
  const intervals = Object.keys(alertmanager.timeIntervals ?? {});
  const used = new Set<string>();
  const root = alertmanager.route;
  if (!root) return;
  if (!root.receiver) findings.add("error", ["alertmanager", "route", "receiver"], "the root route must name a receiver");
  for (const { route, segments } of walkRoutes(root, ["alertmanager", "route"])) {
    if (route.receiver !== undefined) {
      used.add(route.receiver);
      if (!receivers.includes(route.receiver)) {
        findings.add("error", [...segments, "receiver"], `route names receiver "${route.receiver}", which is not defined in alertmanager.receivers (defined: ${receivers.join(", ") || "none"})`);
      }
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
    if ((rule.sourceMatchers ?? []).length === 0) findings.add("error", [...segments, "sourceMatchers"], "inhibit rule has no sourceMatchers: any alert would mute the alerts its targetMatchers select", segments);
    if ((rule.targetMatchers ?? []).length === 0) findings.add("error", [...segments, "targetMatchers"], "inhibit rule has no targetMatchers: its source alerts would mute every other alert", segments);
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
      inRanges(interval.weekdays, day.getUTCDay(), (text) => weekdays.indexOf(text)) &&
      inRanges(interval.daysOfMonth, day.getUTCDate(), dayOfMonth) &&
      inRanges(interval.months, day.getUTCMonth() + 1, (text) => (/^\d+$/.test(text) ? Number(text) : months.indexOf(text) + 1)) &&
      inRanges(interval.years, day.getUTCFullYear(), Number)
    ) {
      return true;
    }
  }
  return false;
}

function checkTimeIntervals(alertmanager: AlertmanagerValues, findings: Findings): void {
  for (const [name, ranges] of Object.entries(alertmanager.timeIntervals ?? {})) {
    for (const [index, interval] of (ranges ?? []).entries()) {
      const segments: Segments = ["alertmanager", "timeIntervals", name, index];
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

export function checkAlertmanager(alertmanager: AlertmanagerValues, findings: Findings): void {
  checkRouting(alertmanager, findings);
  checkInhibitRules(alertmanager, findings);
  checkTimeIntervals(alertmanager, findings);
}
