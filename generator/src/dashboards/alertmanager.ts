// "Alertmanager": the HA cluster of the chart (job alertmanager): alerts and silences, the
// notifications each integration sent and failed, and gossip health. Metric names are those
// Alertmanager v0.34.2 exports; every replica reports its own copy of alerts and silences,
// so stats take the maximum over replicas.
import { BigValueGraphMode } from "@grafana/grafana-foundation-sdk/common";
import { RowBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { countStat, dashboard, finish, Grid, query, series, stat, upDownStat, type DashboardDefinition } from "./kit.js";

function build() {
  const grid = new Grid();
  return finish(
    dashboard("Alertmanager", "promstack-alertmanager", ["alertmanager"])
      .description("Alertmanager: alerts and silences, notifications sent and failed by integration, notification latency, and the gossip cluster.")
      .refresh("1m")
      .time({ from: "now-6h", to: "now" })
      .withPanel(grid.place(
        stat().title("Active alerts").description("Alerts Alertmanager holds that are neither silenced nor inhibited.").unit("none").decimals(0).graphMode(BigValueGraphMode.Area)
          .withTarget(query("A", 'max(alertmanager_alerts{state="active"})')), 8, 4))
      .withPanel(grid.place(
        countStat("Active silences", "Silences in effect now.")
          .withTarget(query("A", 'max(alertmanager_silences{state="active"})')), 8, 4))
      .withPanel(grid.place(
        upDownStat("Configuration", "Whether the last configuration reload succeeded on every replica.", "min(alertmanager_config_last_reload_successful)"), 8, 4))
      .withRow(grid.row(new RowBuilder("Notifications")))
      .withPanel(grid.place(
        series("Notifications sent", "Notification attempts per second, by integration (slack, pagerduty, email, webhook...).", "short").min(0)
          .withTarget(query("A", "sum by (integration) (rate(alertmanager_notifications_total[$__rate_interval])) > 0", "{{integration}}")), 8, 8))
      .withPanel(grid.place(
        series("Notifications failed", "Failed notification attempts per second, by integration and reason; each failure is retried until the group's next notification.", "short").min(0)
          .withTarget(query("A", "sum by (integration, reason) (rate(alertmanager_notifications_failed_total[$__rate_interval])) > 0", "{{integration}} {{reason}}")), 8, 8))
      .withPanel(grid.place(
        series("Notification latency", "99th percentile of the time a notification took to send, by integration.", "s").min(0)
          .withTarget(query("A", "histogram_quantile(0.99, sum by (integration, le) (rate(alertmanager_notification_latency_seconds_bucket[$__rate_interval])))", "{{integration}} p99")), 8, 8))
      .withRow(grid.row(new RowBuilder("Alerts and silences")))
      .withPanel(grid.place(
        series("Alerts received", "Alerts per second received from Prometheus, by status.", "short").min(0)
          .withTarget(query("A", "sum by (status) (rate(alertmanager_alerts_received_total[$__rate_interval]))", "{{status}}"))
          .withTarget(query("B", "sum(rate(alertmanager_alerts_invalid_total[$__rate_interval]))", "invalid")), 8, 8))
      .withPanel(grid.place(
        series("Alerts by state", "Alerts held, by state: active, or suppressed by a silence or an inhibition.", "none").min(0)
          .withTarget(query("A", "max by (state) (alertmanager_alerts)", "{{state}}")), 8, 8))
      .withPanel(grid.place(
        series("Silences by state", "Silences, by state: active, pending (starting later) and expired.", "none").min(0)
          .withTarget(query("A", "max by (state) (alertmanager_silences)", "{{state}}")), 8, 8))
      .withRow(grid.row(new RowBuilder("Cluster")))
      .withPanel(grid.place(
        countStat("Cluster members", "Peers each replica sees in the gossip cluster; lower than the replicas means a split.")
          .withTarget(query("A", "min(alertmanager_cluster_members)")), 24, 4))
      .withPanel(grid.place(
        series("Members per replica", "Peers each replica sees; all lines should equal the number of replicas.", "none").min(0)
          .withTarget(query("A", "alertmanager_cluster_members", "{{pod}}")), 8, 8))
      .withPanel(grid.place(
        series("Gossip health", "Health score of each replica's gossip (0 is healthy), and peers it cannot reach.", "none").min(0)
          .withTarget(query("A", "alertmanager_cluster_health_score", "{{pod}} score"))
          .withTarget(query("B", "alertmanager_cluster_failed_peers", "{{pod}} failed peers")), 8, 8))
      .withPanel(grid.place(
        series("Gossip messages", "Messages per second each replica sends to its peers, and messages waiting in its queue.", "short").min(0)
          .withTarget(query("A", "sum by (pod) (rate(alertmanager_cluster_messages_sent_total[$__rate_interval]))", "{{pod}} sent/s"))
          .withTarget(query("B", "alertmanager_cluster_messages_queued", "{{pod}} queued")), 8, 8)),
  );
}

export const alertmanager: DashboardDefinition = { name: "alertmanager", source: "alertmanager", build, rowsNeeding: { Cluster: "alertmanagerCluster" } };
