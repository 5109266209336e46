// Parses the PromQL of every panel query at generate time. Grafana replaces its macros
// ($__rate_interval, $__range, ...) before a query reaches Prometheus, so they are expanded
// to a duration first; positions in messages still point into the query as written.
import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { lineAndColumn } from "../promql.js";
import { checkPromQLExpression } from "../promql-types.js";

export interface PanelQuery {
  /** 1-based position of the panel in the dashboard, rows included, as Grafana numbers them. */
  panelId: number;
  panelTitle: string;
  refId: string;
  expr: string;
}

/** Every Prometheus expression of a dashboard's panels, including panels inside rows. */
export function panelQueries(dashboard: Dashboard): PanelQuery[] {
  const panels = (dashboard.panels ?? []).flatMap((panel) => [panel, ...(((panel as RowPanel).panels ?? []) as Panel[])]);
  return panels.flatMap((panel) =>
    ((panel as Panel).targets ?? []).flatMap((target) => {
      const { expr, refId } = target as { expr?: unknown; refId?: string };
      return typeof expr === "string" ? [{ panelId: panel.id ?? 0, panelTitle: panel.title ?? "", refId: refId ?? "", expr }] : [];
    }),
  );
}

// Grafana's time macros, plain ($__range) or braced (${__range}). The _ms and _s variants are
// numbers, the others durations.
const MACRO = /\$(?:__(rate_interval|interval|range)(_ms|_s)?\b|\{__(rate_interval|interval|range)(_ms|_s)?\})/g;

interface Expansion {
  text: string;
  /** Maps an offset in the expanded text back to the query as written. */
  original(offset: number): number;
}

export function expandGrafanaMacros(expr: string): Expansion {
  const spans: Array<{ from: number; to: number; at: number; end: number }> = [];
  let text = "";
  let last = 0;
  for (const match of expr.matchAll(MACRO)) {
    const numeric = Boolean(match[2] ?? match[4]);
    const replacement = numeric ? "60" : "1m";
    text += expr.slice(last, match.index);
    spans.push({ from: match.index, to: match.index + match[0].length, at: text.length, end: text.length + replacement.length });
    text += replacement;
    last = match.index + match[0].length;
  }
  text += expr.slice(last);
  return {
    text,
    original(offset) {
      let delta = 0;
      for (const span of spans) {
        if (offset < span.at) break;
        if (offset < span.end) return span.from;
        delta = span.to - span.end;
      }
      return offset + delta;
    },
  };
}

/** One message per query that does not parse: dashboard, panel, query, line:column and the cause. */
export function dashboardProblems(name: string, dashboard: Dashboard): string[] {
  const problems: string[] = [];
  for (const { panelId, panelTitle, refId, expr } of panelQueries(dashboard)) {
    const expansion = expandGrafanaMacros(expr);
    // Grafana sends range queries, which Prometheus answers only for instant vectors and scalars.
    const [first] = checkPromQLExpression(expansion.text, "query");
    if (!first) continue;
    const offset = expansion.original(first.offset);
    const { line, column } = lineAndColumn(expr, offset);
    const source = expr.split("\n")[line - 1]!;
    problems.push(`dashboard "${name}", panel ${panelId} "${panelTitle}", query ${refId}: ${line}:${column}: ${first.message}\n    ${source}\n    ${" ".repeat(column - 1)}^`);
  }
  return problems;
}
