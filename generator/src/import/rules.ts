// Prometheus rule files (groups:) and PrometheusRule objects (spec.groups) into rules.<group>,
// each rule kept in the author's order in the group's `rules` list, as Prometheus reads it.
import { unknownKeys, type ImportContext } from "./context.js";
import { isMapping, type Src } from "./source.js";

const GROUP_KEYS: Record<string, string> = { interval: "interval", limit: "limit", query_offset: "queryOffset", labels: "labels" };
const RULE_KEYS: Record<string, string> = { alert: "alert", record: "record", expr: "expr", for: "for", keep_firing_for: "keepFiringFor", labels: "labels", annotations: "annotations" };

/** A rule file's `groups:` list (src points at the list). */
export function importRuleGroups(src: Src, ctx: ImportContext, origin: string): void {
  if (!Array.isArray(src.value)) return ctx.report.add(src.where(), "groups must be a list");
  src.value.forEach((group, i) => {
    const groupSrc = src.sub([i]);
    if (!isMapping(group) || typeof group.name !== "string" || group.name === "") return ctx.report.add(groupSrc.where(), "a rule group needs a name");
    const earlier = ctx.groups.get(group.name);
    if (earlier) return ctx.report.add(groupSrc.where(["name"]), `rule group "${group.name}" was already imported from ${earlier}; a profile has one group of a name`);
    ctx.groups.set(group.name, `${groupSrc.file}:${groupSrc.line()}`);
    const path = ["rules", group.name];
    ctx.profile.set(path, {}, groupSrc.where(), `From ${origin}.`);
    for (const [key, target] of Object.entries(GROUP_KEYS)) {
      if (group[key] === undefined || group[key] === null) continue;
      ctx.profile.set([...path, target], key === "labels" ? stringValues(group[key]) : group[key], groupSrc.where([key]));
    }
    const rules = Array.isArray(group.rules) ? group.rules : [];
    ctx.profile.set([...path, "rules"], [], groupSrc.where(["rules"]));
    rules.forEach((rule, j) => {
      const ruleSrc = groupSrc.sub(["rules", j]);
      if (!isMapping(rule)) return ctx.report.add(ruleSrc.where(), "a rule must be a mapping");
      const out: Record<string, unknown> = {};
      for (const [key, target] of Object.entries(RULE_KEYS)) {
        const value = rule[key];
        if (value === undefined || value === null) continue;
        out[target] = key === "labels" || key === "annotations" ? stringValues(value) : key === "expr" ? String(value) : value;
      }
      ctx.profile.push([...path, "rules"], out, ruleSrc.where());
      unknownKeys(ctx, ruleSrc, Object.keys(RULE_KEYS), () => "not a rule key");
    });
    unknownKeys(ctx, groupSrc, ["name", "rules", ...Object.keys(GROUP_KEYS)], () => "not a rule group key");
  });
}

/** Prometheus reads label and annotation values as strings (a YAML 1 or true there is the text). */
function stringValues(value: unknown): unknown {
  if (!isMapping(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? "" : String(v)]));
}

export function importRuleFile(src: Src, ctx: ImportContext): void {
  importRuleGroups(src.sub(["groups"]), ctx, src.file);
  unknownKeys(ctx, src, ["groups"], () => "not a rule file key");
}

/** A PrometheusRule object, or a List of them. */
export function importPrometheusRule(src: Src, ctx: ImportContext): void {
  const value = src.value as Record<string, unknown>;
  if (value.kind === "List") {
    (value.items as unknown[]).forEach((_, i) => importPrometheusRule(src.sub(["items", i]), ctx));
    return;
  }
  if (value.kind !== "PrometheusRule") return ctx.report.add(src.where(["kind"]), `a ${String(value.kind)} object is not a PrometheusRule`);
  const metadata = isMapping(value.metadata) ? value.metadata : {};
  const name = `PrometheusRule ${String(metadata.namespace ?? "")}${metadata.namespace ? "/" : ""}${String(metadata.name ?? "")} (${src.file})`;
  importRuleGroups(src.sub(["spec", "groups"]), ctx, name);
  unknownKeys(ctx, src.sub(["spec"]), ["groups"], () => "not a PrometheusRule spec key");
  // The object's own metadata has no place in a profile: the chart names its rule objects.
  if (isMapping(metadata.labels) && Object.keys(metadata.labels).length > 0)
    ctx.report.add(src.where(["metadata", "labels"]), "the chart sets its own labels on rule objects (an operator's ruleSelector may need prometheus.operator.ruleSelectorLabels)");
}
