// The built-in rule packs (rules/*.yaml): the default alert and recording rules of the chart.
// They carry test inputs and runbook text that the chart itself does not need.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { paths } from "../paths.js";
import type { RuleGroups } from "./model.js";

export function loadPacks(dir: string = paths.rulePacks): RuleGroups {
  const groups: RuleGroups = {};
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".yaml")).sort()) {
    const content = parse(readFileSync(join(dir, file), "utf8")) as RuleGroups;
    for (const [name, group] of Object.entries(content)) {
      if (!group) continue;
      if (groups[name]) throw new Error(`rule group "${name}" is defined twice (again in ${file})`);
      groups[name] = group;
    }
  }
  return groups;
}

/**
 * The packs as chart defaults: without test inputs, which only tests use. Runbook text stays:
 * it tells the chart which alerts have a generated runbook page to link to.
 */
export function packsAsChartDefaults(packs: RuleGroups): RuleGroups {
  const out: RuleGroups = structuredClone(packs);
  for (const group of Object.values(out)) {
    if (!group) continue;
    for (const [key, rule] of Object.entries(group)) {
      if (!isAlertKey(key)) continue;
      delete (rule as { test?: unknown }).test;
    }
  }
  return out;
}

/** Alert names are CamelCase keys of a group; its own settings are lower case. */
export function isAlertKey(key: string): boolean {
  return /^[A-Z][A-Za-z0-9_]*$/.test(key);
}
