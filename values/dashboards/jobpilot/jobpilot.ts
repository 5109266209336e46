// JobPilot's service dashboard (seed 000_670fb6aba4f2819c.txt). The document plans the
// dashboards ("Create Grafana Dashboards", "Build SLO dashboards") without drawing them, so
// this is the dashboard its five alert groups call for: one row per group (service health,
// infrastructure, databases, message queue, business metrics), each panel showing the signal
// an alert watches with the alert's threshold marked. Standard exporter metrics throughout
// (cAdvisor, kube-state-metrics, postgres_exporter, redis_exporter, RabbitMQ's Prometheus
// plugin); the business panels read the platform's own jobpilot_* series.
import { BigValueColorMode, BigValueGraphMode, BigValueTextMode, GraphThresholdsStyleConfigBuilder, GraphThresholdsStyleMode } from "@grafana/grafana-foundation-sdk/common";
import { RowBuilder, VariableRefresh, QueryVariableBuilder } from "@grafana/grafana-foundation-sdk/dashboard";
import { PanelBuilder as TimeSeriesPanel } from "@grafana/grafana-foundation-sdk/timeseries";
import { at, dashboard, finish, instant, labelVariable, PROMETHEUS, query, stat, thresholds, upDownMappings, type DashboardDefinition } from "../../../generator/src/dashboards/kit.js";

const ns = 'namespace=~"$namespace"';
const services = `${ns},job=~"$service"`;
const alertLine = () => new GraphThresholdsStyleConfigBuilder().mode(GraphThresholdsStyleMode.Dashed);

/** A time series with the alert's threshold drawn as a dashed red line. */
function watched(title: string, description: string, unit: string, threshold: number): TimeSeriesPanel {
  return new TimeSeriesPanel()
    .title(title)
    .description(description)
    .unit(unit)
    .min(0)
    .fillOpacity(10)
    .thresholds(thresholds("green", [threshold, "red"]))
    .thresholdsStyle(alertLine());
}

/** A ratio of two counters' rates as a percentage, per value of a label or overall. */
function percentOf(part: string, whole: string, by?: string): string {
  const sum = by ? `sum by (${by})` : "sum";
  return `100 * ${sum} (rate(${part}[$__rate_interval])) / ${sum} (rate(${whole}[$__rate_interval]))`;
}

/** Container usage as a percentage of the container's limit, per pod. */
function percentOfLimit(usage: string, resource: "cpu" | "memory"): string {
  return `100 * sum by (pod) (${usage}) / sum by (pod) (kube_pod_container_resource_limits{${ns},resource="${resource}"})`;
}

function build() {
  return finish(
    dashboard("JobPilot Services", "promstack-jobpilot-services", ["jobpilot", "services"])
      .description("JobPilot AI platform: service health, Kubernetes infrastructure, PostgreSQL and Redis, RabbitMQ and business metrics, each with its alert threshold.")
      .refresh("30s")
      .time({ from: "now-3h", to: "now" })
      .withVariable(
        new QueryVariableBuilder("namespace")
          .label("Namespace")
          .datasource(PROMETHEUS)
          .query({ query: "label_values(up, namespace)", refId: "PrometheusVariableQueryEditor-VariableQuery" })
          .refresh(VariableRefresh.OnTimeRangeChanged)
          .current({ text: "jobpilot", value: "jobpilot" }),
      )
      .withVariable(labelVariable("service", "Service", 'up{namespace=~"$namespace"}', "job"))

      .withRow(at(new RowBuilder("Service Health"), 0, 0, 24, 1))
      .withPanel(at(
        stat()
          .title("Service Status")
          .description("Whether every target of each service answers scrapes (ServiceDown: up == 0 for 1 minute).")
          .mappings(upDownMappings)
          .thresholds(thresholds("red", [1, "green"]))
          .graphMode(BigValueGraphMode.None)
          .colorMode(BigValueColorMode.Background)
          .textMode(BigValueTextMode.ValueAndName)
          .withTarget(instant("A", `min by (job) (up{${services}})`, "{{job}}")),
        0, 1, 24, 4,
      ))
      .withPanel(at(
        new TimeSeriesPanel()
          .title("Request Rate")
          .description("HTTP requests per second by service.")
          .unit("reqps")
          .min(0)
          .fillOpacity(10)
          .withTarget(query("A", `sum by (job) (rate(http_requests_total{${services}}[$__rate_interval]))`, "{{job}}")),
        0, 5, 8, 8,
      ))
      .withPanel(at(
        watched("Error Rate (5xx)", "Share of requests answered with a 5xx status (HighErrorRate: above 5 % for 5 minutes).", "percent", 5)
          .withTarget(query("A", percentOf(`http_requests_total{${services},status=~"5.."}`, `http_requests_total{${services}}`, "job"), "{{job}}")),
        8, 5, 8, 8,
      ))
      .withPanel(at(
        watched("Latency P95", "95th percentile of the request duration (HighLatency: above 2 s for 5 minutes).", "s", 2)
          .withTarget(query("A", `histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket{${services}}[$__rate_interval])))`, "{{job}}")),
        16, 5, 8, 8,
      ))
      .withPanel(at(
        watched("Memory Usage (% of limit)", "Working set of each pod against its memory limit (ServiceHighMemory: above 85 % for 5 minutes).", "percent", 85)
          .withTarget(query("A", percentOfLimit(`container_memory_working_set_bytes{${ns},container!=""}`, "memory"), "{{pod}}")),
        0, 13, 12, 8,
      ))
      .withPanel(at(
        watched("CPU Usage (% of limit)", "CPU time of each pod against its CPU limit (ServiceHighCPU: above 85 % for 5 minutes).", "percent", 85)
          .withTarget(query("A", percentOfLimit(`rate(container_cpu_usage_seconds_total{${ns},container!=""}[$__rate_interval])`, "cpu"), "{{pod}}")),
        12, 13, 12, 8,
      ))

      .withRow(at(new RowBuilder("Infrastructure"), 0, 21, 24, 1))
      .withPanel(at(
        new TimeSeriesPanel()
          .title("Pod Restarts (1h)")
          .description("Container restarts per pod over the last hour (PodCrashLooping).")
          .unit("short")
          .min(0)
          .withTarget(query("A", `sum by (pod) (increase(kube_pod_container_status_restarts_total{${ns}}[1h])) > 0`, "{{pod}}")),
        0, 22, 12, 8,
      ))
      .withPanel(at(
        stat()
          .title("Pods Not Ready")
          .description("Pods whose Ready condition is false (PodNotReady: for 5 minutes).")
          .unit("none")
          .decimals(0)
          .graphMode(BigValueGraphMode.Area)
          .colorMode(BigValueColorMode.Background)
          .thresholds(thresholds("green", [1, "red"]))
          .withTarget(query("A", `sum(kube_pod_status_ready{${ns},condition="false"}) or vector(0)`, "not ready")),
        12, 22, 12, 8,
      ))

      .withRow(at(new RowBuilder("Databases"), 0, 30, 24, 1))
      .withPanel(at(
        watched("PostgreSQL Connections (% of max)", "Open connections against max_connections (PostgresHighConnections: above 80 % for 5 minutes).", "percent", 80)
          .withTarget(query("A", "100 * sum by (instance) (pg_stat_activity_count) / max by (instance) (pg_settings_max_connections)", "{{instance}}")),
        0, 31, 12, 8,
      ))
      .withPanel(at(
        watched("Redis Memory (% of maxmemory)", "Memory used against maxmemory (RedisHighMemory: above 90 % for 5 minutes); empty when no maxmemory is set.", "percent", 90)
          .withTarget(query("A", "100 * redis_memory_used_bytes / (redis_memory_max_bytes > 0)", "{{instance}}")),
        12, 31, 12, 8,
      ))

      .withRow(at(new RowBuilder("Message Queue"), 0, 39, 24, 1))
      .withPanel(at(
        watched("RabbitMQ Messages", "Messages ready for delivery (RabbitMQHighQueue: above 10,000) and delivered but unacknowledged (RabbitMQHighUnackedMessages: above 1,000).", "short", 10000)
          .withTarget(query("A", "sum(rabbitmq_queue_messages_ready)", "ready"))
          .withTarget(query("B", "sum(rabbitmq_queue_messages_unacked)", "unacknowledged")),
        0, 40, 12, 8,
      ))
      .withPanel(at(
        stat()
          .title("RabbitMQ Consumers")
          .description("Consumers attached to the queues (RabbitMQConsumerDown: none for 5 minutes).")
          .unit("none")
          .decimals(0)
          .graphMode(BigValueGraphMode.Area)
          .colorMode(BigValueColorMode.Background)
          .thresholds(thresholds("red", [1, "green"]))
          .withTarget(query("A", "sum(rabbitmq_queue_consumers)", "consumers")),
        12, 40, 12, 8,
      ))

      .withRow(at(new RowBuilder("Business Metrics"), 0, 48, 24, 1))
      .withPanel(at(
        stat()
          .title("Application Success Rate")
          .description("Job applications submitted successfully (LowApplicationSuccessRate: below 70 % for 30 minutes).")
          .unit("percent")
          .decimals(1)
          .min(0)
          .max(100)
          .graphMode(BigValueGraphMode.Area)
          .colorMode(BigValueColorMode.Background)
          .thresholds(thresholds("red", [70, "green"]))
          .withTarget(query("A", percentOf('jobpilot_applications_total{status="success"}', "jobpilot_applications_total"), "success rate")),
        0, 49, 8, 8,
      ))
      .withPanel(at(
        stat()
          .title("Payment Failure Rate")
          .description("Payments that failed (PaymentFailureRate: above 5 % for 15 minutes).")
          .unit("percent")
          .decimals(2)
          .min(0)
          .graphMode(BigValueGraphMode.Area)
          .colorMode(BigValueColorMode.Background)
          .thresholds(thresholds("green", [5, "red"]))
          .withTarget(query("A", percentOf('jobpilot_payments_total{status="failed"}', "jobpilot_payments_total"), "failure rate")),
        8, 49, 8, 8,
      ))
      .withPanel(at(
        watched("Job Search Latency P95", "95th percentile of job search response time (SlowJobSearchResponseTime: above 3 s for 10 minutes).", "s", 3)
          .withTarget(query("A", "histogram_quantile(0.95, sum by (le) (rate(jobpilot_job_search_duration_seconds_bucket[$__rate_interval])))", "p95")),
        16, 49, 8, 8,
      )),
  );
}

export const jobpilot: DashboardDefinition = { name: "jobpilot", source: "000_670fb6aba4f2819c.txt", build };
