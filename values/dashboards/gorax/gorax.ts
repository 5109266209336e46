// gorax-overview.json (seed 004_db245d4cb75f5788.txt, "Dashboards"): the seven-panel system
// overview of the Gorax workflow engine. Metric names are those the Gorax API and worker
// export (gorax_workflow_executions_total{tenant_id, workflow_id, trigger_type, status},
// gorax_workflow_execution_duration_seconds, gorax_queue_depth{queue}, gorax_active_workers,
// gorax_http_requests_total{method, path, status}); the tenant and workflow variables are the
// document's "Add tenant_id, workflow_id filters".
import { BigValueColorMode, BigValueGraphMode, TableSortByFieldStateBuilder } from "@grafana/grafana-foundation-sdk/common";
import { PromQueryFormat } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as TablePanel } from "@grafana/grafana-foundation-sdk/table";
import { PanelBuilder as TimeSeriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import { at, dashboard, finish, instant, labelVariable, query, stat, thresholds, type DashboardDefinition } from "../../../generator/src/dashboards/kit.js";

const executions = 'gorax_workflow_executions_total{tenant_id=~"$tenant",workflow_id=~"$workflow"}';
const durationBuckets = 'gorax_workflow_execution_duration_seconds_bucket{tenant_id=~"$tenant",workflow_id=~"$workflow"}';

function durationPercentile(refId: string, quantile: number): ReturnType<typeof query> {
  return query(refId, `histogram_quantile(${quantile}, sum by (le) (rate(${durationBuckets}[$__rate_interval])))`, `p${Math.round(quantile * 100)}`);
}

function build() {
  return finish(
    dashboard("Gorax Overview", "promstack-gorax-overview", ["gorax", "workflows"])
      .description("Gorax workflow engine: execution rate and success, workers, API traffic, queue backlog, durations and the busiest workflows.")
      .refresh("30s")
      .time({ from: "now-6h", to: "now" })
      .withVariable(labelVariable("tenant", "Tenant", "gorax_workflow_executions_total", "tenant_id"))
      .withVariable(labelVariable("workflow", "Workflow", 'gorax_workflow_executions_total{tenant_id=~"$tenant"}', "workflow_id"))
      // 1. "Real-time execution trends"
      .withPanel(at(
        new TimeSeriesPanel()
          .title("Workflow Execution Rate")
          .description("Workflow executions finishing per second, by status.")
          .unit("ops")
          .min(0)
          .fillOpacity(10)
          .withTarget(query("A", `sum by (status) (rate(${executions}[$__rate_interval]))`, "{{status}}")),
        0, 0, 12, 8,
      ))
      // 2. "System health indicator": completed over all executions, the document's
      // gorax:workflow_success_rate:5m computed in place so the panel works without the rule.
      .withPanel(at(
        stat()
          .title("Workflow Success Rate")
          .description("Share of workflow executions that completed; red below 90 % (a failure rate above 10 %).")
          .unit("percentunit")
          .decimals(1)
          .min(0)
          .max(1)
          .graphMode(BigValueGraphMode.Area)
          .colorMode(BigValueColorMode.Background)
          .thresholds(thresholds("red", [0.9, "yellow"], [0.95, "green"]))
          .withTarget(query("A", `sum(rate(gorax_workflow_executions_total{tenant_id=~"$tenant",workflow_id=~"$workflow",status="completed"}[$__rate_interval])) / sum(rate(${executions}[$__rate_interval]))`, "success rate")),
        12, 0, 6, 8,
      ))
      // 3. "Worker pool utilization"
      .withPanel(at(
        stat()
          .title("Active Workers")
          .description("Workers executing workflows now, across all worker pods; red when none is left.")
          .unit("none")
          .decimals(0)
          .graphMode(BigValueGraphMode.Area)
          .colorMode(BigValueColorMode.Value)
          .thresholds(thresholds("red", [1, "green"]))
          .withTarget(query("A", "sum(gorax_active_workers)", "active workers")),
        18, 0, 6, 8,
      ))
      // 4. "API traffic patterns"
      .withPanel(at(
        new TimeSeriesPanel()
          .title("HTTP Request Rate")
          .description("Requests per second served by the Gorax API, by response status.")
          .unit("reqps")
          .min(0)
          .fillOpacity(10)
          .withTarget(query("A", "sum by (status) (rate(gorax_http_requests_total[$__rate_interval]))", "{{status}}")),
        0, 8, 12, 8,
      ))
      // 5. "Backlog monitoring"
      .withPanel(at(
        new TimeSeriesPanel()
          .title("Queue Depth")
          .description("Executions waiting for a worker, by queue; a steady rise means the workers cannot keep up.")
          .unit("short")
          .min(0)
          .fillOpacity(10)
          .withTarget(query("A", "sum by (queue) (gorax_queue_depth)", "{{queue}}")),
        12, 8, 12, 8,
      ))
      // 6. "Performance metrics"
      .withPanel(at(
        new TimeSeriesPanel()
          .title("Workflow Duration Percentiles")
          .description("Workflow execution time: median, 95th and 99th percentile.")
          .unit("s")
          .min(0)
          .withTarget(durationPercentile("A", 0.5))
          .withTarget(durationPercentile("B", 0.95))
          .withTarget(durationPercentile("C", 0.99)),
        0, 16, 12, 9,
      ))
      // 7. "Most active workflows", over the dashboard's time range.
      .withPanel(at(
        new TablePanel()
          .title("Top Workflows")
          .description("The ten workflows executed most often in the selected time range.")
          .unit("short")
          .decimals(0)
          .sortBy([new TableSortByFieldStateBuilder().displayName("Value").desc(true)])
          .withTarget(instant("A", `topk(10, sum by (workflow_id) (increase(${executions}[$__range])))`).format(PromQueryFormat.Table)),
        12, 16, 12, 9,
      )),
  );
}

export const gorax: DashboardDefinition = { name: "gorax", source: "004_db245d4cb75f5788.txt", build };
