// "Alert receiver": the chart's webhook receiver (receiver/src/metrics.ts, prefix
// alert_receiver_): notifications and alerts by route, rejected requests, latency, and the
// Node.js process behind it (prom-client's default metrics, joined to the receiver's own
// series so other Node.js targets do not show up).
import { BigValueColorMode, BigValueGraphMode } from "@grafana/grafana-foundation-sdk/common";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { dashboard, finish, Grid, query, series, stat, thresholds, upDownStat, type DashboardDefinition } from "./kit.js";

/** A process metric of the receiver's pods only. */
const ofReceiver = (metric: string) => `${metric} and on(instance) alert_receiver_ready`;

function build() {
  const grid = new Grid();
  return finish(
    dashboard("Alert receiver", "promstack-alert-receiver", ["alert-receiver", "alertmanager"])
      .description("The alert receiver: webhook notifications and alerts by route and severity, rejected requests, request latency and its process.")
      .refresh("1m")
      .time({ from: "now-6h", to: "now" })
      .withPanel(grid.place(
        upDownStat("Ready", "Whether every receiver replica accepts notifications.", "min(alert_receiver_ready)"), 8, 4))
      .withPanel(grid.place(
        stat().title("Notifications").description("Webhook notifications accepted in the selected time range.").unit("none").decimals(0).graphMode(BigValueGraphMode.Area)
          .withTarget(query("A", "sum(increase(alert_receiver_notifications_received_total[$__range]))")), 8, 4))
      .withPanel(grid.place(
        stat().title("Rejected requests").description("Requests refused in the selected time range (bad token, malformed payload, unknown path...).").unit("none").decimals(0).graphMode(BigValueGraphMode.Area)
          .colorMode(BigValueColorMode.Value).thresholds(thresholds("green", [1, "yellow"]))
          .withTarget(query("A", "sum(increase(alert_receiver_requests_rejected_total[$__range]))")), 8, 4))
      .withRow(grid.row(new RowBuilder("Traffic")))
      .withPanel(grid.place(
        series("Notifications by route", "Webhook notifications accepted per second, by route (receiver path).", "short").min(0)
          .withTarget(query("A", "sum by (route) (rate(alert_receiver_notifications_received_total[$__rate_interval]))", "{{route}}")), 8, 8))
      .withPanel(grid.place(
        series("Alerts by status", "Alerts per second in accepted notifications, by route and status (firing, resolved).", "short").min(0)
          .withTarget(query("A", "sum by (route, status) (rate(alert_receiver_alerts_received_total[$__rate_interval]))", "{{route}} {{status}}")), 8, 8))
      .withPanel(grid.place(
        series("Alerts by severity", "Alerts per second in accepted notifications, by severity label.", "short").min(0)
          .withTarget(query("A", "sum by (severity) (rate(alert_receiver_alerts_received_total[$__rate_interval]))", "{{severity}}")), 8, 8))
      .withRow(grid.row(new RowBuilder("Errors and latency")))
      .withPanel(grid.place(
        series("Rejected requests", "Requests refused per second, by reason.", "short").min(0)
          .withTarget(query("A", "sum by (reason) (rate(alert_receiver_requests_rejected_total[$__rate_interval])) > 0", "{{reason}}")), 8, 8))
      .withPanel(grid.place(
        series("Truncated notifications", "Alerts per second Alertmanager left out of a notification (the webhook's max_alerts), by route.", "short").min(0)
          .withTarget(query("A", "sum by (route) (rate(alert_receiver_alerts_truncated_total[$__rate_interval]))", "{{route}}")), 8, 8))
      .withPanel(grid.place(
        series("Request latency", "95th and 99th percentile of the time to answer a request, by route.", "s").min(0)
          .withTarget(query("A", "histogram_quantile(0.95, sum by (route, le) (rate(alert_receiver_request_duration_seconds_bucket[$__rate_interval])))", "{{route}} p95"))
          .withTarget(query("B", "histogram_quantile(0.99, sum by (route, le) (rate(alert_receiver_request_duration_seconds_bucket[$__rate_interval])))", "{{route}} p99")), 8, 8))
      .withRow(grid.row(new RowBuilder("Process")))
      .withPanel(grid.place(
        series("CPU", "CPU time the receiver's Node.js process uses, in cores.", "none").min(0)
          .withTarget(query("A", ofReceiver("rate(process_cpu_seconds_total[$__rate_interval])"), "{{pod}}")), 8, 8))
      .withPanel(grid.place(
        series("Memory", "Resident memory and V8 heap in use of the receiver's process.", "bytes").min(0)
          .withTarget(query("A", ofReceiver("process_resident_memory_bytes"), "{{pod}} resident"))
          .withTarget(query("B", ofReceiver("sum by (instance, pod) (nodejs_heap_size_used_bytes)"), "{{pod}} heap")), 8, 8))
      .withPanel(grid.place(
        series("Event loop lag", "99th percentile of the Node.js event loop delay: high values delay every request.", "s").min(0)
          .withTarget(query("A", ofReceiver("nodejs_eventloop_lag_p99_seconds"), "{{pod}}")), 8, 8)),
  );
}

export const alertReceiver: DashboardDefinition = { name: "alert-receiver", source: "alert-receiver", build };
