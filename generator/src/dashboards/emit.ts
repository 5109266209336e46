// Builds every dashboard, checks its PromQL, and serialises it as the file the grafana
// subchart ships: charts/grafana/dashboards/<name>.json. Any problem stops generation before
// anything is written.
import { GENERATED_NOTICE } from "../chart/header.js";
import { toSortedJson } from "../chart/serialize.js";
import { dashboardProblems } from "./check.js";
import { dashboards as builtIn, type DashboardDefinition } from "./index.js";

export class DashboardError extends Error {}

/** Chart-relative path of a dashboard's JSON file. */
export function dashboardPath(name: string): string {
  return `charts/grafana/dashboards/${name}.json`;
}

/** Chart-relative path of the rows a dashboard shows only when the release has a feature (row title → fact). */
export function rowsNeedingPath(name: string): string {
  return `charts/grafana/dashboard-rows-needing/${name}.json`;
}

/**
 * The JSON file of every dashboard, by chart-relative path. `valuesKeys` are the dashboards the
 * grafana values schema offers (grafana.dashboards.<name>); each must match a definition.
 */
export function emitDashboards(valuesKeys: string[], definitions: DashboardDefinition[] = builtIn): Map<string, string> {
  const problems: string[] = [];
  const files = new Map<string, string>();
  const uids = new Map<string, string>();
  const names = definitions.map((definition) => definition.name);
  for (const key of valuesKeys.filter((key) => !names.includes(key))) problems.push(`grafana schema offers dashboards.${key}, but no dashboard module defines "${key}"`);
  for (const definition of definitions) {
    if (!valuesKeys.includes(definition.name)) problems.push(`dashboard "${definition.name}" has no grafana.dashboards.${definition.name} key in schemas/grafana.schema.json`);
    const dashboard = definition.build();
    const uid = dashboard.uid ?? "";
    if (uids.has(uid)) problems.push(`dashboard "${definition.name}" reuses uid "${uid}" of dashboard "${uids.get(uid)}"`);
    uids.set(uid, definition.name);
    problems.push(...dashboardProblems(definition.name, dashboard));
    // Keys sorted for a stable file; "$comment" carries the generated notice (Grafana keeps
    // unknown top-level keys and ignores them).
    files.set(dashboardPath(definition.name), toSortedJson({ $comment: GENERATED_NOTICE, ...dashboard }));
    if (definition.rowsNeeding) {
      const rows = (dashboard.panels ?? []).filter((panel) => panel.type === "row").map((panel) => panel.title);
      for (const title of Object.keys(definition.rowsNeeding))
        if (!rows.includes(title)) problems.push(`dashboard "${definition.name}" names row "${title}" in rowsNeeding, but has no row of that title`);
      files.set(rowsNeedingPath(definition.name), toSortedJson({ $comment: GENERATED_NOTICE, ...definition.rowsNeeding }));
    }
  }
  if (problems.length > 0) throw new DashboardError(`${problems.length} problem(s) in the built-in dashboards:\n  ${problems.join("\n  ")}`);
  return files;
}
