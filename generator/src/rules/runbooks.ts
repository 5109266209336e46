// One runbook page per alert that has runbook text (every pack alert, and the profiles' alerts
// that give one), generated from the rule model; these are exactly the alerts whose runbook_url
// the chart generates, so every such link points at a page that exists. Layout: assets/runbook.md.hbs.
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import Handlebars from "handlebars";
import { paths } from "../paths.js";
import type { ValidatedProfile } from "../validate/index.js";
import type { ResolvedAlert, RuleGroups } from "./model.js";
import { alertsOf, hasRunbookPage, parametersOf, resolveProfileRules, ruleFileName } from "./resolve.js";

interface ProfileUse {
  profile: string;
  expr: string;
  for: string;
  severity: string;
}

const escapePipes = (text: string) => text.replace(/\|/g, "\\|");

export function runbookPages(packs: RuleGroups, profiles: ValidatedProfile[]): Map<string, string> {
  const render = Handlebars.compile(readFileSync(join(paths.assets, "runbook.md.hbs"), "utf8"), { noEscape: false });
  // Every alert a profile renders, and every alert of the packs (rendered or not).
  const uses = new Map<string, { alert: ResolvedAlert | undefined; profiles: ProfileUse[] }>();
  for (const profile of profiles) {
    const name = basename(profile.source.file).replace(/\.ya?ml$/, "");
    for (const group of resolveProfileRules(profile.values, packs)) {
      for (const alert of group.alerts.filter((one) => hasRunbookPage(one.source))) {
        const key = `${alert.group}/${alert.name}`;
        const entry = uses.get(key) ?? { alert, profiles: [] };
        entry.profiles.push({ profile: name, expr: escapePipes(alert.expr), for: alert.for ?? "0s", severity: alert.labels.severity ?? "" });
        uses.set(key, entry);
      }
    }
  }
  const pages = new Map<string, string>();
  const index: string[] = [];
  // Keys are group/alert; an alert name holds no slash, a group name may.
  const split = (key: string) => [key.slice(0, key.lastIndexOf("/")), key.slice(key.lastIndexOf("/") + 1)] as [string, string];
  const keys = new Set([...uses.keys(), ...Object.entries(packs).flatMap(([group, rules]) => alertsOf(rules!).map(([name]) => `${group}/${name}`))]);
  for (const key of [...keys].sort()) {
    const [group, name] = split(key);
    const page = `${ruleFileName(group)}/${name}.md`;
    const packRule = packs[group] ? alertsOf(packs[group]!).find(([alertName]) => alertName === name)?.[1] : undefined;
    const rule = packRule ?? uses.get(key)!.alert!.source;
    const parameters = Object.entries(parametersOf(rule)).map(([parameter, value]) => ({ name: parameter, value: escapePipes(String(value)) }));
    pages.set(
      page,
      render({
        group,
        name,
        severity: rule.severity ?? "",
        priority: rule.priority,
        for: rule.for,
        summary: rule.summary,
        description: rule.description,
        expr: rule.expr,
        parameters,
        firstParameter: parameters[0]?.name,
        runbook: rule.runbook,
        profiles: uses.get(key)?.profiles ?? [],
      }),
    );
    index.push(`| [${name}](${page}) | \`${escapePipes(group)}\` | ${rule.severity ?? ""} | ${(uses.get(key)?.profiles ?? []).map((use) => use.profile).join(", ")} |`);
  }
  pages.set("README.md", ["# Runbooks", "", "One page per alert of the built-in rule packs and of the profiles, generated from the rule model.", "", "| alert | group | severity | profiles |", "|---|---|---|---|", ...index, ""].join("\n"));
  return pages;
}
