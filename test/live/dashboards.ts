// The queries of the general dashboards a release enables (generator/src/dashboards), as the
// rendered ConfigMaps hold them, with Grafana's variables replaced the way Grafana would for
// a live Prometheus: template variables by a value their own label_values() query returns,
// $__rate_interval and $__range by fixed windows long enough for the live layer's scrapes.
import { dashboards } from "../../generator/src/dashboards/index.js";
import type { Release } from "./workloads.js";

export interface DashboardQuery {
  dashboard: string;
  panel: string;
  expr: string;
}

interface Panel {
  title?: string;
  type?: string;
  panels?: Panel[];
  targets?: Array<{ expr?: string }>;
}

export interface DashboardVariable {
  name: string;
  /** label_values(<selector>, <label>) */
  selector: string;
  label: string;
}

/** Every target expression of every enabled general dashboard, and the dashboards' query variables. */
export function generalDashboardQueries(release: Release): { queries: DashboardQuery[]; variables: DashboardVariable[]; enabled: string[] } {
  const queries: DashboardQuery[] = [];
  const variables: DashboardVariable[] = [];
  const enabled: string[] = [];
  for (const { name } of dashboards) {
    const text = [...release.configMaps.values()].map((data) => data[`${name}.json`]).find((t) => t !== undefined);
    if (text === undefined) continue;
    enabled.push(name);
    const json = JSON.parse(text) as { title: string; panels?: Panel[]; templating?: { list?: Array<{ name: string; type?: string; query?: string | { query?: string } }> } };
    const walk = (panels: Panel[]): void => {
      for (const p of panels) {
        walk(p.panels ?? []);
        for (const t of p.targets ?? []) if (t.expr) queries.push({ dashboard: json.title, panel: p.title ?? "(untitled)", expr: t.expr });
      }
    };
    walk(json.panels ?? []);
    for (const v of json.templating?.list ?? []) {
      const q = typeof v.query === "string" ? v.query : v.query?.query;
      const m = q ? /^label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(q) : null;
      if (v.type === "query" || m) {
        if (!m) throw new Error(`${json.title}: variable ${v.name} is not a label_values() query the live layer can resolve: ${q}`);
        if (!variables.some((x) => x.name === v.name)) variables.push({ name: v.name, selector: m[1]!, label: m[2]! });
      }
    }
  }
  return { queries, variables, enabled };
}

/** An expression with Grafana's variables replaced: `values` for template variables (a regex alternative of all their values). */
export function substituted(expr: string, values: Map<string, string[]>): string {
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}/g, "1m")
    .replace(/\$__range|\$\{__range\}/g, "10m")
    .replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_whole, name: string) => {
      const list = values.get(name);
      if (list === undefined) throw new Error(`dashboard variable $${name} has no value source (expression ${expr})`);
      return list.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\\\$&")).join("|");
    });
}
