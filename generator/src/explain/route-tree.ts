// Alertmanager's routing tree and inhibition rules, evaluated on a label set the way
// Alertmanager does (dispatch/route.go, inhibit/inhibit.go). `promstack explain` decides with it
// which receivers each alert reaches (the semantics layer proves every decision equal to
// `amtool config routes test`); the tests read the matched nodes' effective settings, and
// evaluate inhibit_rules, which amtool cannot test offline.
import { parseMatchers } from "../validate/matchers.js";
import { re2Matcher, type Re2Matcher } from "../re2.js";

export type Labels = Record<string, string>;

export interface Matcher {
  name: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

export interface RouteConfig {
  receiver?: string;
  matchers?: string[];
  match?: Labels;
  match_re?: Labels;
  continue?: boolean;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  active_time_intervals?: string[];
  mute_time_intervals?: string[];
  routes?: RouteConfig[];
}

export interface InhibitRuleConfig {
  source_matchers?: string[];
  target_matchers?: string[];
  source_match?: Labels;
  target_match?: Labels;
  source_match_re?: Labels;
  target_match_re?: Labels;
  equal?: string[];
}

/** A route Alertmanager delivers through, with the settings it inherits from its parents. */
export interface MatchedRoute {
  receiver: string;
  groupBy: string[];
  groupWait: string;
  groupInterval: string;
  repeatInterval: string;
  continue: boolean;
  activeTimeIntervals: string[];
  muteTimeIntervals: string[];
  /** Where the route sits in the tree, e.g. "route.routes[2]". */
  path: string;
}

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*|"[^"]*")\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') && text.length >= 2 ? (JSON.parse(text) as string) : text;
}

export function parseMatcher(text: string): Matcher {
  const match = MATCHER.exec(text);
  if (!match) throw new Error(`not an Alertmanager matcher: ${text}`);
  return { name: unquote(match[1]!), op: match[2] as Matcher["op"], value: unquote(match[3]!) };
}

function regexOf(pattern: string): Re2Matcher {
  const regex = re2Matcher(pattern, "alertmanager");
  if (!regex) throw new Error(`the RE2 regex ${pattern} does not compile`);
  return regex;
}

function matcherMatches(matcher: Matcher, labels: Labels): boolean {
  const value = labels[matcher.name] ?? "";
  switch (matcher.op) {
    case "=": return value === matcher.value;
    case "!=": return value !== matcher.value;
    case "=~": return regexOf(matcher.value).test(value);
    case "!~": return !regexOf(matcher.value).test(value);
  }
}

/** One `matchers` string, which may hold several ({a="b", c=~"d"}), read with Alertmanager's grammar. */
function parseMatcherList(text: string): Matcher[] {
  const parsed = parseMatchers(text);
  if (!parsed.ok) throw new Error(`not an Alertmanager matcher: ${text} (${parsed.error.message})`);
  return parsed.matchers.map((m) => ({ name: m.name, op: m.type, value: m.value }));
}

/** Every matcher of a route: its `matchers` strings, then the legacy match and match_re maps. */
export function routeMatchers(route: RouteConfig): Matcher[] {
  return matchersOf(route.matchers, route.match, route.match_re);
}

function matchersOf(strings: string[] | undefined, equal: Labels | undefined, regex: Labels | undefined): Matcher[] {
  return [
    ...(strings ?? []).flatMap(parseMatcherList),
    ...Object.entries(equal ?? {}).map(([name, value]) => ({ name, op: "=" as const, value })),
    ...Object.entries(regex ?? {}).map(([name, value]) => ({ name, op: "=~" as const, value })),
  ];
}

export function allMatch(matchers: Matcher[], labels: Labels): boolean {
  return matchers.every((matcher) => matcherMatches(matcher, labels));
}

// Alertmanager's defaults for the root route.
const ROOT_DEFAULTS = { groupBy: [] as string[], groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" };

/** The routes an alert with these labels is delivered through, in tree order. */
export function matchRoutes(root: RouteConfig, labels: Labels): MatchedRoute[] {
  const visit = (route: RouteConfig, parent: MatchedRoute, path: string): MatchedRoute[] => {
    if (!allMatch(matchersOf(route.matchers, route.match, route.match_re), labels)) return [];
    const here: MatchedRoute = {
      receiver: route.receiver ?? parent.receiver,
      groupBy: route.group_by ?? parent.groupBy,
      groupWait: route.group_wait ?? parent.groupWait,
      groupInterval: route.group_interval ?? parent.groupInterval,
      repeatInterval: route.repeat_interval ?? parent.repeatInterval,
      continue: route.continue ?? false,
      activeTimeIntervals: route.active_time_intervals ?? [],
      muteTimeIntervals: route.mute_time_intervals ?? [],
      path,
    };
    const matched: MatchedRoute[] = [];
    for (const [index, child] of (route.routes ?? []).entries()) {
      const found = visit(child, here, `${path}.routes[${index}]`);
      matched.push(...found);
      if (found.length > 0 && !child.continue) break;
    }
    return matched.length > 0 ? matched : [here];
  };
  const rootDefaults: MatchedRoute = { receiver: "", ...ROOT_DEFAULTS, continue: false, activeTimeIntervals: [], muteTimeIntervals: [], path: "route" };
  return visit(root, rootDefaults, "route");
}

/** Whether a firing alert with `source` labels mutes an alert with `target` labels under these rules. */
export function inhibits(rules: InhibitRuleConfig[], source: Labels, target: Labels): boolean {
  return rules.some((rule) =>
    allMatch(matchersOf(rule.source_matchers, rule.source_match, rule.source_match_re), source) &&
    allMatch(matchersOf(rule.target_matchers, rule.target_match, rule.target_match_re), target) &&
    (rule.equal ?? []).every((name) => (source[name] ?? "") === (target[name] ?? "")));
}
