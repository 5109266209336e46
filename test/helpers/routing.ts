// Label sets that exercise every matcher of an alertmanager.yml: for each route (with its
// ancestors' matchers) a set that reaches it and sets that miss it by one matcher, and for
// each matcher (routes and inhibit rules) values that match and values that do not. Two
// configurations route the same when `amtool config routes test` gives the same receivers
// for all these sets (see routesTestArgs).
import { parse } from "yaml";
import { re2Matcher } from "../../generator/src/re2.js";
import { parseMatchers, type Matcher } from "../../generator/src/validate/matchers.js";

export type LabelSet = Record<string, string>;

interface RawRoute {
  matchers?: string[];
  match?: Record<string, string>;
  match_re?: Record<string, string>;
  routes?: RawRoute[];
}
interface RawInhibitRule {
  source_matchers?: string[];
  target_matchers?: string[];
  source_match?: Record<string, string>;
  source_match_re?: Record<string, string>;
  target_match?: Record<string, string>;
  target_match_re?: Record<string, string>;
  equal?: string[];
}
interface RawConfig {
  route?: RawRoute;
  inhibit_rules?: RawInhibitRule[];
}

/** All matchers of one `matchers:` list plus the legacy match / match_re maps. */
function matchersOf(list: string[] | undefined, match?: Record<string, string>, matchRe?: Record<string, string>): Matcher[] {
  const out: Matcher[] = [];
  for (const text of list ?? []) {
    const parsed = parseMatchers(text);
    if (!parsed.ok) throw new Error(`matcher ${JSON.stringify(text)}: ${parsed.error.message}`);
    out.push(...parsed.matchers);
  }
  for (const [name, value] of Object.entries(match ?? {})) out.push({ name, type: "=", value });
  for (const [name, value] of Object.entries(matchRe ?? {})) out.push({ name, type: "=~", value });
  return out;
}

/** Strings a regex probably matches: each top-level alternative with its operators simplified. */
function regexGuesses(pattern: string): string[] {
  const body = pattern.replace(/^\(\?[imsU]+\)/, "").replace(/^\^/, "").replace(/\$$/, "");
  const alternatives: string[] = [];
  let depth = 0;
  let current = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "\\") {
      current += c + (body[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === "|" && depth === 0) {
      alternatives.push(current);
      current = "";
    } else current += c;
  }
  alternatives.push(current);
  const simplify = (text: string) =>
    text
      .replace(/\((\?:)?([^()|]*)(\|[^()]*)?\)/g, "$2")
      .replace(/\.\*|\.\+/g, (m) => (m === ".+" ? "x" : ""))
      .replace(/\\d[+*]?|\[0-9\][+*]?/g, "1")
      .replace(/\[([^\]^\\])[^\]]*\][+*]?/g, "$1")
      .replace(/\\(.)/g, "$1")
      .replace(/[?*+]/g, "");
  return [...new Set([...alternatives.map(simplify), body.replace(/[\\^$.*+?()[\]{}|]/g, "")])];
}

/** Values of the matcher's label that satisfy it and values that do not (best effort for regexes). */
export function valuesFor(matcher: Matcher): { matching: string[]; failing: string[] } {
  const positive = matcher.type === "=" || matcher.type === "=~";
  const regex = matcher.type === "=~" || matcher.type === "!~" ? re2Matcher(matcher.value, "alertmanager") : undefined;
  const regexLike = matcher.type === "=~" || matcher.type === "!~";
  const base = regexLike ? regexGuesses(matcher.value) : [matcher.value];
  const candidates = [...new Set([...base, ...base.map((v) => `${v}-unmatched`), "zz-unmatched", ""])];
  const hit = (value: string) => (regexLike ? (regex ? regex.test(value) : base.includes(value)) : value === matcher.value);
  const yes = candidates.filter(hit);
  const no = candidates.filter((value) => !hit(value));
  return positive ? { matching: yes, failing: no } : { matching: no, failing: yes };
}

/** A value for `name` that satisfies every matcher of the list on it, if our candidates find one. */
function satisfy(name: string, matchers: Matcher[]): string | undefined {
  const own = matchers.filter((m) => m.name === name);
  const candidates = own.flatMap((m) => [...valuesFor(m).matching, ...valuesFor(m).failing]);
  return candidates.find((value) => own.every((m) => valuesFor(m).matching.includes(value)));
}

function setFor(matchers: Matcher[]): LabelSet | undefined {
  const set: LabelSet = {};
  for (const name of new Set(matchers.map((m) => m.name))) {
    const value = satisfy(name, matchers);
    if (value === undefined) return undefined;
    // Alertmanager treats an empty value as an absent label.
    if (value !== "") set[name] = value;
  }
  return set;
}

/**
 * Label sets built from every matcher in an alertmanager.yml (text or parsed): for each
 * route, one set that satisfies it and its ancestors and, per matcher, one that fails only
 * that matcher; for every matcher of routes and inhibit rules, sets with a matching and a
 * non-matching value. Sorted and without duplicates; an alertname is always present.
 */
export function labelSetsFromConfig(config: string | RawConfig): LabelSet[] {
  const parsed: RawConfig = typeof config === "string" ? (parse(config) as RawConfig) : config;
  const sets: LabelSet[] = [{}];
  const all: Matcher[] = [];
  const visit = (route: RawRoute, inherited: Matcher[]) => {
    const own = matchersOf(route.matchers, route.match, route.match_re);
    const path = [...inherited, ...own];
    all.push(...own);
    const reach = setFor(path);
    if (reach) sets.push(reach);
    own.forEach((missed) => {
      const others = setFor(path.filter((m) => m !== missed));
      const wrong = valuesFor(missed).failing[0];
      if (others && wrong !== undefined) {
        const set = { ...others };
        if (wrong === "") delete set[missed.name];
        else set[missed.name] = wrong;
        sets.push(set);
      }
    });
    for (const child of route.routes ?? []) visit(child, path);
  };
  if (parsed.route) visit(parsed.route, []);
  for (const rule of parsed.inhibit_rules ?? []) {
    all.push(...matchersOf(rule.source_matchers, rule.source_match, rule.source_match_re), ...matchersOf(rule.target_matchers, rule.target_match, rule.target_match_re));
  }
  for (const matcher of all) {
    const { matching, failing } = valuesFor(matcher);
    for (const value of [...matching.slice(0, 3), failing[0]]) if (value !== undefined && value !== "") sets.push({ [matcher.name]: value });
  }
  const seen = new Map<string, LabelSet>();
  for (const set of sets) {
    const withName = { alertname: "RoutingProbe", ...set };
    const key = JSON.stringify(Object.entries(withName).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    seen.set(key, withName);
  }
  return [...seen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, set]) => set);
}

/** Arguments for `amtool config routes test --config.file=<file> <these>`: one quoted matcher per label. */
export function routesTestArgs(labels: LabelSet): string[] {
  return Object.entries(labels).map(([name, value]) => `${/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name) ? name : JSON.stringify(name)}=${JSON.stringify(value)}`);
}
