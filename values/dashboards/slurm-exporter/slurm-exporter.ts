// The SLURM exporter's SLA dashboard (seed 002_7f2f8fd7557e01a1.txt, "3. Grafana Dashboard"):
// the five panels the document lists, each against the SLO it names: 99.9 % availability over
// a 24-hour rolling window, p95 response time under 5 s, error rate under 1 % over 5 minutes.
// Availability, response time and cardinality come from the series Prometheus records for
// every scrape of the exporter (up, scrape_duration_seconds, scrape_samples_scraped), so they
// hold for any exporter version; the error rate uses the exporter's own collection counters.
import { BigValueColorMode, BigValueGraphMode, BigValueTextMode, GraphThresholdsStyleConfigBuilder, GraphThresholdsStyleMode } from "@grafana/grafana-foundation-sdk/common";
import { PanelBuilder as TimeSeriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import { at, dashboard, finish, instant, query, stat, thresholds, upDownMappings, type DashboardDefinition } from "../../../generator/src/dashboards/kit.js";

const job = 'job="slurm-exporter"';
const sloLine = () => new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed);

function build() {
  return finish(
    dashboard("SLURM Exporter SLA", "promstack-slurm-exporter-sla", ["slurm-exporter", "sla"])
      .description("SLURM exporter service levels: availability (target 99.9 %), p95 response time (SLO < 5 s), error rate (SLO < 1 %), instance health and metric cardinality.")
      .refresh("1m")
      .time({ from: "now-24h", to: "now" })
      // "SLA Status: Real-time availability tracking with 99.9% target"; "Measurement: 24-hour rolling window".
      .withPanel(at(
        stat()
          .title("SLA Status")
          .description("Share of successful scrapes of the exporter over the last 24 hours; red below the 99.9 % target.")
          .unit("percent")
          .decimals(3)
          .min(0)
          .max(100)
          .graphMode(BigValueGraphMode.Area)
          .colorMode(BigValueColorMode.Background)
          .thresholds(thresholds("red", [99.9, "green"]))
          .withTarget(query("A", `100 * avg(avg_over_time(up{${job}}[24h]))`, "availability (24h)")),
        0, 0, 6, 6,
      ))
      // "Service Health: Instance status and health monitoring".
      .withPanel(at(
        stat()
          .title("Service Health")
          .description("Whether Prometheus reaches each exporter instance now.")
          .mappings(upDownMappings)
          .thresholds(thresholds("red", [1, "green"]))
          .graphMode(BigValueGraphMode.None)
          .colorMode(BigValueColorMode.Background)
          .textMode(BigValueTextMode.ValueAndName)
          .withTarget(instant("A", `up{${job}}`, "{{instance}}")),
        6, 0, 18, 6,
      ))
      // "Performance Metrics: Response times with 5-second SLO"; "95% of requests complete in < 5 seconds".
      .withPanel(at(
        new TimeSeriesPanel()
          .title("Performance Metrics")
          .description("95th percentile of the exporter's response time to Prometheus's scrapes over 5 minutes; the dashed line is the 5 s SLO.")
          .unit("s")
          .min(0)
          .thresholds(thresholds("green", [5, "red"]))
          .thresholdsStyle(sloLine())
          .withTarget(query("A", `quantile_over_time(0.95, scrape_duration_seconds{${job}}[5m])`, "p95 {{instance}}")),
        0, 6, 12, 8,
      ))
      // "Error Tracking: Error rates with 1% SLO threshold"; "Error rate over 5-minute window".
      .withPanel(at(
        new TimeSeriesPanel()
          .title("Error Tracking")
          .description("Failed SLURM collections as a share of all collection attempts over 5 minutes; the dashed line is the 1 % SLO.")
          .unit("percent")
          .min(0)
          .thresholds(thresholds("green", [1, "red"]))
          .thresholdsStyle(sloLine())
          .withTarget(query(
            "A",
            `100 * sum by (instance) (rate(slurm_exporter_collection_failures_total{${job}}[5m])) / sum by (instance) (rate(slurm_exporter_collection_attempts_total{${job}}[5m]))`,
            "error rate {{instance}}",
          )),
        12, 6, 12, 8,
      ))
      // "Cardinality Monitoring: Metric explosion prevention".
      .withPanel(at(
        new TimeSeriesPanel()
          .title("Cardinality Monitoring")
          .description("Series each exporter instance exposes per scrape, and how many appeared for the first time; a jump means a label exploded.")
          .unit("short")
          .min(0)
          .withTarget(query("A", `scrape_samples_scraped{${job}}`, "series {{instance}}"))
          .withTarget(query("B", `scrape_series_added{${job}}`, "new series {{instance}}")),
        0, 14, 24, 8,
      )),
  );
}

export const slurmExporter: DashboardDefinition = { name: "slurm-exporter", source: "002_7f2f8fd7557e01a1.txt", build };
