// "Prometheus": the server watching itself (job prometheus, the self-scrape the chart renders):
// ingestion, head series, targets, rule evaluation, TSDB, notifications and remote write.
// Metric names are those Prometheus v3 (module v0.315.0) exports.
import { BigValueColorMode, BigValueGraphMode } from "@grafana/grafana-foundation-sdk/common";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { countStat, dashboard, finish, Grid, query, series, stat, thresholds, upDownStat, type DashboardDefinition } from "./kit.js";

function build() {
  const grid = new Grid();
  return finish(
    dashboard("Prometheus", "promstack-prometheus", ["prometheus"])
      .description("Prometheus itself: ingestion rate, head series, targets, rule evaluation duration and failures, TSDB, notifications and remote write.")
      .refresh("1m")
      .time({ from: "now-6h", to: "now" })
      .withPanel(grid.place(
        stat().title("Samples ingested").description("Samples appended to the head block per second.").unit("short").graphMode(BigValueGraphMode.Area)
          .withTarget(query("A", "sum(rate(prometheus_tsdb_head_samples_appended_total[$__rate_interval]))")), 6, 4))
      .withPanel(grid.place(
        stat().title("Head series").description("Series in memory (the head block): the main driver of Prometheus' memory use.").unit("short").graphMode(BigValueGraphMode.Area)
          .withTarget(query("A", "sum(prometheus_tsdb_head_series)")), 6, 4))
      .withPanel(grid.place(
        countStat("Targets down", "Scrape targets whose last scrape failed.").colorMode(BigValueColorMode.Value)
          .thresholds(thresholds("green", [1, "red"]))
          .withTarget(query("A", "count(up == 0) or vector(0)")), 6, 4))
      .withPanel(grid.place(
        upDownStat("Configuration", "Whether the last configuration reload succeeded.", "min(prometheus_config_last_reload_successful)"), 6, 4))
      .withRow(grid.row(new RowBuilder("Ingestion")))
      .withPanel(grid.place(
        series("Samples appended", "Samples per second written to the head block, per Prometheus.", "short").min(0)
          .withTarget(query("A", "rate(prometheus_tsdb_head_samples_appended_total[$__rate_interval])", "{{instance}}")), 8, 8))
      .withPanel(grid.place(
        series("Head series", "Series in the head block, and series created per second (churn).", "short").min(0)
          .withTarget(query("A", "prometheus_tsdb_head_series", "{{instance}} series"))
          .withTarget(query("B", "rate(prometheus_tsdb_head_series_created_total[$__rate_interval])", "{{instance}} created/s")), 8, 8))
      .withPanel(grid.place(
        series("Targets up by job", "Scrape targets answering, by job, against all targets of the job.", "none").min(0)
          .withTarget(query("A", "sum by (job) (up)", "{{job}} up"))
          .withTarget(query("B", "count by (job) (up)", "{{job}} targets")), 8, 8))
      .withRow(grid.row(new RowBuilder("Rules")))
      .withPanel(grid.place(
        series("Rule group duration", "Last evaluation time of each rule group over its interval: at 100 % evaluations start to be missed.", "percentunit").min(0).thresholds(thresholds("green", [0.8, "red"]))
          .withTarget(query("A", "max by (rule_group) (prometheus_rule_group_last_duration_seconds / prometheus_rule_group_interval_seconds)", "{{rule_group}}")), 8, 8))
      .withPanel(grid.place(
        series("Rule evaluation duration", "99th percentile of a single rule's evaluation time.", "s").min(0)
          .withTarget(query("A", 'max by (instance) (prometheus_rule_evaluation_duration_seconds{quantile="0.99"})', "{{instance}} p99")), 8, 8))
      .withPanel(grid.place(
        series("Rule evaluation failures", "Failed rule evaluations and missed group iterations per second; both should be zero.", "short").min(0)
          .withTarget(query("A", "sum by (rule_group) (rate(prometheus_rule_evaluation_failures_total[$__rate_interval])) > 0", "{{rule_group}} failed"))
          .withTarget(query("B", "sum by (rule_group) (rate(prometheus_rule_group_iterations_missed_total[$__rate_interval])) > 0", "{{rule_group}} missed")), 8, 8))
      .withRow(grid.row(new RowBuilder("TSDB")))
      .withPanel(grid.place(
        series("Storage", "Bytes on disk in persisted blocks and in the write-ahead log.", "bytes").min(0)
          .withTarget(query("A", "prometheus_tsdb_storage_blocks_bytes", "{{instance}} blocks"))
          .withTarget(query("B", "prometheus_tsdb_wal_storage_size_bytes", "{{instance}} WAL")), 8, 8))
      .withPanel(grid.place(
        series("Compactions", "Compactions per second, and failed ones (a failure repeats until disk or data is fixed).", "short").min(0)
          .withTarget(query("A", "rate(prometheus_tsdb_compactions_total[$__rate_interval])", "{{instance}} compactions"))
          .withTarget(query("B", "rate(prometheus_tsdb_compactions_failed_total[$__rate_interval])", "{{instance}} failed")), 8, 8))
      .withPanel(grid.place(
        series("WAL problems", "Write-ahead log corruptions, failed writes and failed truncations per second; all should be zero.", "short").min(0)
          .withTarget(query("A", "rate(prometheus_tsdb_wal_corruptions_total[$__rate_interval])", "{{instance}} corruptions"))
          .withTarget(query("B", "rate(prometheus_tsdb_wal_writes_failed_total[$__rate_interval])", "{{instance}} failed writes"))
          .withTarget(query("C", "rate(prometheus_tsdb_wal_truncations_failed_total[$__rate_interval])", "{{instance}} failed truncations")), 8, 8))
      .withRow(grid.row(new RowBuilder("Notifications")))
      .withPanel(grid.place(
        series("Alert notifications", "Alerts sent to Alertmanager per second, with errors and alerts dropped from a full queue.", "short").min(0)
          .withTarget(query("A", "sum by (instance) (rate(prometheus_notifications_sent_total[$__rate_interval]))", "{{instance}} sent"))
          .withTarget(query("B", "sum by (instance) (rate(prometheus_notifications_errors_total[$__rate_interval]))", "{{instance}} errors"))
          .withTarget(query("C", "rate(prometheus_notifications_dropped_total[$__rate_interval])", "{{instance}} dropped")), 8, 8))
      .withRow(grid.row(new RowBuilder("Remote write")))
      .withPanel(grid.place(
        series("Remote write samples", "Samples per second sent to each remote endpoint, and samples that failed for good.", "short").min(0)
          .withTarget(query("A", "sum by (remote_name, url) (rate(prometheus_remote_storage_samples_total[$__rate_interval]))", "{{url}} sent"))
          .withTarget(query("B", "sum by (remote_name, url) (rate(prometheus_remote_storage_samples_failed_total[$__rate_interval]))", "{{url}} failed")), 8, 8))
      .withPanel(grid.place(
        series("Remote write lag", "How far each remote endpoint is behind the newest sample; it grows when the endpoint is slow or down.", "s").min(0)
          .withTarget(query("A", "max by (remote_name, url) (prometheus_remote_storage_highest_timestamp_in_seconds - ignoring(remote_name, url) group_right prometheus_remote_storage_queue_highest_sent_timestamp_seconds)", "{{url}}")), 8, 8)),
  );
}

export const prometheus: DashboardDefinition = { name: "prometheus", source: "prometheus", build, rowsNeeding: { "Remote write": "remoteWrite" } };
