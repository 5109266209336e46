// The dashboards of a fidelity table, checked on the dashboard JSON the rendered chart ships.
import { expect } from "chai";
import type { FidelityTable } from "./fidelity.js";
import type { RenderedStack } from "./rendered-stack.js";

type TableDashboard = FidelityTable["dashboards"][number] & Record<string, unknown>;
type TablePanel = TableDashboard["panels"][number] & { unit?: string; thresholds?: Array<number | { color: string; value: number }>; series?: string[] };
type Panel = Record<string, any>;

// Table units (the document's words) and the Grafana unit ids that show them (percent: a 0-100 or a 0-1 scale).
const GRAFANA_UNITS: Record<string, string[]> = { percent: ["percent", "percentunit"], celsius: ["celsius"], seconds: ["s"], bytes: ["bytes", "decbytes"] };

/** Panels as a reader sees them: rows unfolded and not counted. */
function flatPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => (p.type === "row" ? flatPanels(p.panels ?? []) : [p]));
}

function panelProblems(expected: TablePanel, panel: Panel): string[] {
  const problems: string[] = [];
  const defaults = panel.fieldConfig?.defaults ?? {};
  if (expected.unit !== undefined) {
    const units = GRAFANA_UNITS[expected.unit] ?? [expected.unit];
    if (!units.includes(defaults.unit)) problems.push(`unit ${JSON.stringify(defaults.unit)} is not ${units.join(" or ")}`);
  }
  const steps = (defaults.thresholds?.steps ?? []) as Array<{ color: string; value: number | null }>;
  for (const threshold of expected.thresholds ?? []) {
    const { value, color } = typeof threshold === "number" ? { value: threshold, color: undefined } : threshold;
    if (!steps.some((s) => s.value === value && (color === undefined || s.color === color))) problems.push(`no threshold step ${color ?? ""}@${value} (steps: ${JSON.stringify(steps)})`);
  }
  for (const series of expected.series ?? []) {
    const legends = ((panel.targets ?? []) as Array<{ legendFormat?: string }>).map((t) => t.legendFormat ?? "");
    if (!legends.some((l) => l.includes(series))) problems.push(`no series "${series}" among legends ${JSON.stringify(legends)}`);
  }
  return problems.map((p) => `panel "${expected.title}": ${p}`);
}

export function checkDashboard(stack: RenderedStack, expected: TableDashboard): void {
  const dashboards = stack.dashboards;
  const dashboard = dashboards.find((d) => d.title === expected.title);
  expect(dashboard, `dashboard "${expected.title}" among ${dashboards.map((d) => `"${String(d.title)}"`).join(", ") || "none"}`).to.not.equal(undefined);
  const panels = flatPanels(dashboard!.panels as Panel[]);
  expect(panels.map((p) => `${String(p.title)} (${String(p.type)})`), "panels in order, with their types").to.deep.equal(expected.panels.map((p) => `${p.title} (${p.type})`));
  if (expected.refresh !== undefined) expect(dashboard!.refresh, "refresh").to.equal(expected.refresh);
  if (expected.timeFrom !== undefined) expect(dashboard!.time?.from, "time.from").to.equal(expected.timeFrom);
  if (Array.isArray(expected.variables)) {
    // A filter on a label: a variable of that name, or one listing that label's values.
    const variables = (dashboard!.templating?.list ?? []) as Array<{ name: string; query?: string | { query?: string } }>;
    const filters = variables.flatMap((v) => {
      const query = typeof v.query === "string" ? v.query : v.query?.query ?? "";
      const label = /^label_values\((?:.*,)?\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(query.trim())?.[1];
      return label ? [v.name, label] : [v.name];
    });
    expect(filters, "template variables (names, and the labels they list)").to.include.members(expected.variables as string[]);
  }
  if (expected.legendShowsNodeName === true) {
    const byAddress = panels.flatMap((p) => ((p.targets ?? []) as Array<{ legendFormat?: string }>).filter((t) => /\{\{\s*instance\s*\}\}/.test(t.legendFormat ?? "") || (/\{\{/.test(t.legendFormat ?? "") && !/\{\{\s*(nodename|node)\s*\}\}/.test(t.legendFormat ?? ""))).map((t) => `${String(p.title)}: ${t.legendFormat}`));
    expect(byAddress, "legends that do not show the node name").to.deep.equal([]);
  }
  const problems = expected.panels.flatMap((p, i) => (panels[i] ? panelProblems(p as TablePanel, panels[i]!) : []));
  expect(problems, `dashboard "${expected.title}"`).to.deep.equal([]);
}
