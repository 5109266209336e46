// alertmanager.yml (or kube-prometheus-stack's alertmanager.config) into alertmanager.*:
// global, the route tree, receivers of every kind, inhibit rules, time intervals, templates.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { baseDir, unknownKeys, type ImportContext } from "./context.js";
import { convertConfig } from "./convert.js";
import { goString, goStrings } from "./go-strings.js";
import { matcherString } from "./matchers.js";
import { isMapping, type Path, type Src } from "./source.js";

const AM: Path = ["alertmanager"];

/**
 * `overChartDefaults`: the source is kube-prometheus-stack's alertmanager.config, which Helm merges
 * over that chart's default config, so a route or inhibit_rules it leaves out is the chart's
 * default there, and promstack's default here (said in the profile), not an empty one.
 */
export function importAlertmanager(src: Src, ctx: ImportContext, overChartDefaults = false): void {
  if (!isMapping(src.value)) return ctx.report.add(src.where(), "not a mapping: no Alertmanager configuration here");
  const value = src.value;
  const leftToDefaults = overChartDefaults ? ["route", "receivers", "inhibit_rules"].filter((key) => value[key] === undefined) : [];
  const defaultsNote = leftToDefaults.length ? ` It leaves ${leftToDefaults.join(", ")} to kube-prometheus-stack's defaults; promstack's defaults apply to them here.` : "";
  ctx.profile.set([...AM, "enabled"], true, src.where(), `From ${src.file}${src.base.length ? ` (${src.where().key})` : ""}.${defaultsNote}`);
  if (!overChartDefaults && value.route === undefined) ctx.report.add(src.where(), "no route: Alertmanager refuses a configuration without one");
  // The source's receivers carry their own texts or Alertmanager's defaults, not the chart's.
  ctx.profile.set([...AM, "chartTexts"], false, src.where(), "Receivers keep Alertmanager's default notification texts, as in the source.");
  if (value.global !== undefined) importGlobal(src.sub(["global"]), ctx);
  if (value.route !== undefined) importRoute(src.sub(["route"]), [...AM, "route"], ctx);
  if (Array.isArray(value.receivers)) importReceivers(src.sub(["receivers"]), ctx);
  // The chart's default receiver "default" would be added to the source's; null removes it (Helm's idiom).
  const routeFromSource = value.route !== undefined;
  if (routeFromSource && (!Array.isArray(value.receivers) || !value.receivers.some((r) => isMapping(r) && r.name === "default")))
    ctx.profile.setOptional([...AM, "receivers", "default"], null, "null: the chart's default receiver, which the source does not have.");
  if (value.inhibit_rules !== undefined) importInhibitRules(src.sub(["inhibit_rules"]), ctx);
  else if (!overChartDefaults) ctx.profile.set([...AM, "inhibitRules"], [], src.where(), "The source has no inhibit_rules.");
  for (const key of ["time_intervals", "mute_time_intervals"]) if (Array.isArray(value[key])) importTimeIntervals(src.sub([key]), key, ctx);
  if (value.templates !== undefined) importTemplates(src.sub(["templates"]), ctx);
  unknownKeys(ctx, src, ["global", "route", "receivers", "inhibit_rules", "time_intervals", "mute_time_intervals", "templates"], (key) =>
    key === "tracing" ? "promstack does not configure Alertmanager tracing" : "not an Alertmanager configuration key promstack knows",
  );
}

function importGlobal(src: Src, ctx: ImportContext): void {
  const path = [...AM, "globalConfig"];
  const converted = convertConfig(src, "global", "global", { ...ctx, note: (rel, where, comment) => ctx.profile.note([...path, ...rel], where, comment) });
  ctx.profile.set(path, converted, src.where(), "Alertmanager's global section (camelCase keys; credentials as Secret keys).");
}

function matchersOf(src: Src, prefix: string): { matchers: string[]; legacy: boolean } {
  const value = src.value as Record<string, unknown>;
  const matchers: string[] = [];
  let legacy = false;
  const eq = value[`${prefix}match`];
  const re = value[`${prefix}match_re`];
  // Values as Alertmanager reads them: `code: 500` is "500", `priority: 1.0` is "1.0".
  if (isMapping(eq)) for (const [name, v] of Object.entries(eq)) (matchers.push(matcherString(name, "=", goString(src, [`${prefix}match`, name], v))), (legacy = true));
  if (isMapping(re)) for (const [name, v] of Object.entries(re)) (matchers.push(matcherString(name, "=~", goString(src, [`${prefix}match_re`, name], v))), (legacy = true));
  const list = value[`${prefix}matchers`];
  if (Array.isArray(list)) matchers.push(...goStrings(src, [`${prefix}matchers`], list));
  return { matchers, legacy };
}

const ROUTE_KEYS: Record<string, string> = {
  receiver: "receiver",
  group_by: "groupBy",
  group_wait: "groupWait",
  group_interval: "groupInterval",
  repeat_interval: "repeatInterval",
  continue: "continue",
  active_time_intervals: "activeTimeIntervals",
  mute_time_intervals: "muteTimeIntervals",
};

function importRoute(src: Src, path: Path, ctx: ImportContext): void {
  const value = src.value;
  if (!isMapping(value)) return ctx.report.add(src.where(), "a route must be a mapping");
  const route: Record<string, unknown> = {};
  ctx.profile.set(path, route, src.where());
  for (const [key, target] of Object.entries(ROUTE_KEYS)) {
    if (value[key] === undefined || value[key] === null) continue;
    const item = value[key];
    ctx.profile.set([...path, target], key === "group_by" && Array.isArray(item) ? goStrings(src, [key], item) : item, src.where([key]));
  }
  const { matchers, legacy } = matchersOf(src, "");
  if (matchers.length > 0)
    ctx.profile.set([...path, "matchers"], matchers, src.where([value.matchers !== undefined ? "matchers" : value.match !== undefined ? "match" : "match_re"]), legacy ? "Converted from the legacy match/match_re maps." : undefined);
  if (Array.isArray(value.routes)) value.routes.forEach((_, i) => importRoute(src.sub(["routes", i]), [...path, "routes", i], ctx));
  unknownKeys(ctx, src, [...Object.keys(ROUTE_KEYS), "matchers", "match", "match_re", "routes"], () => "not a route key");
}

function importReceivers(src: Src, ctx: ImportContext): void {
  const list = src.value as unknown[];
  const path = [...AM, "receivers"];
  ctx.profile.set(path, {}, src.where());
  list.forEach((item, i) => {
    const itemSrc = src.sub([i]);
    if (!isMapping(item) || typeof item.name !== "string") return ctx.report.add(itemSrc.where(), "a receiver needs a name");
    const receiverPath = [...path, item.name];
    ctx.profile.set(receiverPath, {}, itemSrc.where());
    for (const [key, configs] of Object.entries(item)) {
      if (key === "name") continue;
      if (!key.endsWith("_configs")) {
        ctx.report.add(itemSrc.where([key]), "not a receiver key (integrations are <kind>_configs)");
        continue;
      }
      if (configs === null) continue;
      if (!Array.isArray(configs)) {
        ctx.report.add(itemSrc.where([key]), "must be a list");
        continue;
      }
      const kind = key.slice(0, -"_configs".length);
      const kindPath = [...receiverPath, kind];
      ctx.profile.set(kindPath, [], itemSrc.where([key]));
      configs.forEach((_, j) => {
        const configPath = [...kindPath, j];
        const converted = convertConfig(itemSrc.sub([key, j]), kind, `${item.name}-${kind}${configs.length > 1 ? `-${j}` : ""}`, {
          ...ctx,
          note: (rel, where, comment) => ctx.profile.note([...configPath, ...rel], where, comment),
        });
        ctx.profile.set(configPath, converted, itemSrc.where([key, j]));
      });
    }
  });
}

function importInhibitRules(src: Src, ctx: ImportContext): void {
  const path = [...AM, "inhibitRules"];
  ctx.profile.set(path, [], src.where());
  if (!Array.isArray(src.value)) return ctx.report.add(src.where(), "inhibit_rules must be a list");
  src.value.forEach((rule, i) => {
    const ruleSrc = src.sub([i]);
    if (!isMapping(rule)) return ctx.report.add(ruleSrc.where(), "an inhibit rule must be a mapping");
    const out: Record<string, unknown> = {};
    const source = matchersOf(ruleSrc, "source_");
    const target = matchersOf(ruleSrc, "target_");
    if (source.matchers.length) out.sourceMatchers = source.matchers;
    if (target.matchers.length) out.targetMatchers = target.matchers;
    if (Array.isArray(rule.equal)) out.equal = goStrings(ruleSrc, ["equal"], rule.equal);
    const legacy = source.legacy || target.legacy;
    ctx.profile.push(path, out, ruleSrc.where(), legacy ? "Converted from the legacy source_match/target_match maps." : undefined);
    unknownKeys(ctx, ruleSrc, ["source_match", "source_match_re", "source_matchers", "target_match", "target_match_re", "target_matchers", "equal"], () => "not an inhibit rule key");
  });
}

const INTERVAL_KEYS: Record<string, string> = { weekdays: "weekdays", days_of_month: "daysOfMonth", months: "months", years: "years", location: "location" };

function importTimeIntervals(src: Src, sourceKey: string, ctx: ImportContext): void {
  (src.value as unknown[]).forEach((item, i) => {
    const itemSrc = src.sub([i]);
    if (!isMapping(item) || typeof item.name !== "string") return ctx.report.add(itemSrc.where(), "a time interval needs a name");
    const path = [...AM, "timeIntervals", item.name];
    const ranges = Array.isArray(item.time_intervals) ? item.time_intervals : [];
    const out = ranges.map((range, j) => {
      const rangeSrc = itemSrc.sub(["time_intervals", j]);
      const converted: Record<string, unknown> = {};
      if (!isMapping(range)) return converted;
      if (Array.isArray(range.times))
        converted.times = range.times.map((t) => (isMapping(t) ? { start: String(t.start_time), end: String(t.end_time) } : t));
      for (const [key, target] of Object.entries(INTERVAL_KEYS)) if (range[key] !== undefined && range[key] !== null) converted[target] = Array.isArray(range[key]) ? (range[key] as unknown[]).map(String) : range[key];
      unknownKeys(ctx, rangeSrc, ["times", ...Object.keys(INTERVAL_KEYS)], () => "not a time interval key");
      return converted;
    });
    ctx.profile.set(path, out, itemSrc.where(), sourceKey === "mute_time_intervals" ? "From mute_time_intervals (the deprecated name of time_intervals)." : undefined);
    unknownKeys(ctx, itemSrc, ["name", "time_intervals"], () => "not a time interval key");
  });
}

/** Template files are read from where the config's globs point (relative to the config file). */
function importTemplates(src: Src, ctx: ImportContext): void {
  if (!Array.isArray(src.value)) return ctx.report.add(src.where(), "templates must be a list of file globs");
  src.value.forEach((pattern, i) => {
    const files = ctx.readRelated(String(pattern), baseDir(src));
    if (files.length === 0) return ctx.report.add(src.where([i]), `no template file matches ${JSON.stringify(pattern)} (relative to ${baseDir(src)}); copy its content under alertmanager.templates`);
    for (const file of files) {
      const name = basename(file).endsWith(".tmpl") ? basename(file) : `${basename(file).replace(/[^A-Za-z0-9_.-]/g, "_")}.tmpl`;
      ctx.profile.set([...AM, "templates", name], readFileSync(file, "utf8"), src.where([i]), `From ${file} (templates: ${String(pattern)}).`);
    }
  });
}
