// Building blocks every promstack dashboard shares: the Prometheus data source variable,
// queries bound to it, thresholds, the node-name join and the grid. The dashboards stay
// typed objects of @grafana/grafana-foundation-sdk; this module only removes repetition.
import {
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  MappingType,
  QueryVariableBuilder,
  ThresholdsConfigBuilder,
  ThresholdsMode,
  VariableRefresh,
  VariableSort,
  type Dashboard,
  type DataSourceRef,
  type RowPanel,
  type ValueMapping,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { BigValueColorMode, BigValueGraphMode, ReduceDataOptionsBuilder } from "@grafana/grafana-foundation-sdk/common";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as StatPanel } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TimeSeriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";

export interface DashboardDefinition {
  /** Values key (grafana.dashboards.<name> or grafana.userDashboards.<name>) and file name (<name>.json). */
  name: string;
  /** What the dashboard is built from: a seed document (in ../shared/seeds), or the component whose metrics it shows. */
  source: string;
  build(): Dashboard;
  /**
   * Rows (by title) whose panels can only have data when the release has a feature; the
   * umbrella chart drops such a row and its panels when the feature is off (a panel that can
   * only be empty is a defect). The facts are computed in templates/grafana-dashboards.yaml.
   */
  rowsNeeding?: Record<string, ReleaseFact>;
}

/** Facts about a release the umbrella chart decides from its values. */
export type ReleaseFact = "remoteWrite" | "alertmanagerCluster";

/** Every panel queries the Prometheus picked in the dashboard's data source variable, so the
 * dashboards work in this chart's Grafana and in an existing one whose data source uid differs. */
export const PROMETHEUS: DataSourceRef = { type: "prometheus", uid: "${datasource}" };

/** A new dashboard with the settings all promstack dashboards share. */
export function dashboard(title: string, uid: string, tags: string[]): DashboardBuilder {
  return new DashboardBuilder(title)
    .uid(uid)
    .tags(["promstack", ...tags])
    .timezone("browser")
    .readonly()
    .tooltip(DashboardCursorSync.Crosshair)
    .withVariable(new DatasourceVariableBuilder("datasource").label("Data source").type("prometheus"));
}

/** A multi-value variable from a label's values, "All" matching everything. */
export function labelVariable(name: string, label: string, metric: string, labelName: string): QueryVariableBuilder {
  return new QueryVariableBuilder(name)
    .label(label)
    .datasource(PROMETHEUS)
    .query({ query: `label_values(${metric}, ${labelName})`, refId: "PrometheusVariableQueryEditor-VariableQuery" })
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(".*")
    .current({ text: "All", value: "$__all" });
}

/** A range query (a time series); refIds follow the order of the panel's queries. */
export function query(refId: string, expr: string, legend?: string): DataqueryBuilder {
  const builder = new DataqueryBuilder().refId(refId).datasource(PROMETHEUS).expr(expr).range();
  return legend === undefined ? builder : builder.legendFormat(legend);
}

/** An instant query: for stat, gauge and bar panels that show the latest value. */
export function instant(refId: string, expr: string, legend?: string): DataqueryBuilder {
  const builder = new DataqueryBuilder().refId(refId).datasource(PROMETHEUS).expr(expr).instant();
  return legend === undefined ? builder : builder.legendFormat(legend);
}

/** Reduce a series to its last non-null value (stat and gauge panels). */
export const lastValue = (): ReduceDataOptionsBuilder => new ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false);

/** A stat panel showing the last value of its queries. */
export function stat(): StatPanel {
  return new StatPanel().reduceOptions(lastValue());
}

/** A stat panel of a whole number (targets, members, silences): no unit, no decimals, no sparkline. */
export function countStat(title: string, description: string): StatPanel {
  return stat().title(title).description(description).unit("none").decimals(0).graphMode(BigValueGraphMode.None);
}

/** An UP/DOWN stat of a 0-or-1 expression (ready, last reload successful): red at 0, green at 1. */
export function upDownStat(title: string, description: string, expr: string): StatPanel {
  return stat().title(title).description(description).graphMode(BigValueGraphMode.None).colorMode(BigValueColorMode.Background)
    .mappings(upDownMappings).thresholds(thresholds("red", [1, "green"]))
    .withTarget(query("A", expr));
}

/** Absolute thresholds: a base colour, then [value, colour] steps in ascending order. */
export function thresholds(base: string, ...steps: Array<[number, string]>): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color: base }, ...steps.map(([value, color]) => ({ value, color }))]);
}

/** Value mappings 1 → UP (green), 0 → DOWN (red), for up-style series. */
export const upDownMappings: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: { "0": { text: "DOWN", color: "red", index: 0 }, "1": { text: "UP", color: "green", index: 1 } },
  },
];

/**
 * Labels a per-instance node-exporter expression with the node's name: node-exporter's
 * node_uname_info carries it as nodename, so panels show k3s-master instead of 10.42.0.5:9100.
 * The join also applies the $node variable.
 */
export function byNodeName(expr: string): string {
  return `(${expr}) * on(instance) group_left(nodename) node_uname_info{nodename=~"$node"}`;
}

/** Panels and rows share the grid: 24 columns wide, rows of height units. */
interface Placeable {
  gridPos(gridPos: { x: number; y: number; w: number; h: number }): unknown;
}

export function at<T extends Placeable>(panel: T, x: number, y: number, w: number, h: number): T {
  panel.gridPos({ x, y, w, h });
  return panel;
}

/** A time series panel with the look every promstack graph shares. */
export function series(title: string, description: string, unit: string): TimeSeriesPanel {
  return new TimeSeriesPanel().title(title).description(description).unit(unit).fillOpacity(10);
}

/**
 * Places panels left to right on the 24-column grid, starting a new line when a panel does not
 * fit, so a dashboard lists its panels in reading order without computing coordinates.
 */
export class Grid {
  private x = 0;
  private y = 0;
  private lineHeight = 0;

  place<T extends Placeable>(panel: T, w: number, h: number): T {
    if (this.x + w > 24) this.newLine();
    at(panel, this.x, this.y, w, h);
    this.x += w;
    this.lineHeight = Math.max(this.lineHeight, h);
    return panel;
  }

  /** A row header across the grid; the panels placed after it belong to it. */
  row<T extends Placeable>(row: T): T {
    this.newLine();
    at(row, 0, this.y, 24, 1);
    this.y += 1;
    return row;
  }

  private newLine(): void {
    this.y += this.lineHeight;
    this.x = 0;
    this.lineHeight = 0;
  }
}

/** Builds the dashboard and numbers its panels (Grafana needs unique ids for links and edits). */
export function finish(builder: DashboardBuilder): Dashboard {
  const built = builder.build();
  let id = 0;
  for (const panel of built.panels ?? []) {
    panel.id = ++id;
    for (const nested of (panel as RowPanel).panels ?? []) nested.id = ++id;
  }
  return built;
}
