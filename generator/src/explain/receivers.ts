// Where a receiver delivers and what an inhibit rule mutes, in a line each for the page. Only
// what is not a credential is shown: a Slack channel, an email recipient, a webhook's host.
import { routeMatchers, type InhibitRuleConfig } from "./route-tree.js";

/** The part of a destination worth showing: never a URL's path, query or user info, which may hold a token. */
function target(kind: string, config: Record<string, unknown>): string | undefined {
  const text = (key: string) => (typeof config[key] === "string" ? (config[key] as string) : undefined);
  if (kind === "slack") return text("channel");
  if (kind === "email") return text("to");
  const url = text("url") ?? text("webhook_url");
  if (url) {
    try {
      return new URL(url).host;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function receiverIntegrations(receiver: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [key, list] of Object.entries(receiver)) {
    if (!key.endsWith("_configs") || !Array.isArray(list)) continue;
    const kind = key.slice(0, -"_configs".length);
    for (const config of list as Array<Record<string, unknown>>) {
      const where = target(kind, config ?? {});
      out.push(where ? `${kind} (${where})` : kind);
    }
  }
  return out;
}

function matchersText(strings: string[] | undefined, equal?: Record<string, string>, regex?: Record<string, string>): string {
  const matchers = routeMatchers({ matchers: strings, match: equal, match_re: regex });
  return matchers.map((m) => `${m.name}${m.op}${JSON.stringify(m.value)}`).join(", ") || "any alert";
}

/** One row per inhibit rule: its source matchers, target matchers and equal labels. */
export function inhibitionRows(rules: unknown[]): string[][] {
  return (rules as InhibitRuleConfig[]).map((rule) =>
    [
      matchersText(rule.source_matchers, rule.source_match, rule.source_match_re),
      matchersText(rule.target_matchers, rule.target_match, rule.target_match_re),
      (rule.equal ?? []).join(", ") || "none",
    ]);
}
