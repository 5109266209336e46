// Inputs that make a profile's OWN alert rules fire in the live layer: for each profile, the
// series its exporters would serve in the condition the alert is about (a Raspberry Pi at
// 80 °C, a replica 45 s behind). They are inputs only: which alert fires is decided by the
// rendered rule in the real Prometheus, and where it goes is checked against the fidelity
// table (the customer's document), not computed from the chart.
import type { FixtureSeries } from "./fixtures.js";

export interface AlertDrive {
  alert: string;
  /** What the series stand for, printed with the result. */
  condition: string;
  series: FixtureSeries[];
}

export const PROFILE_DRIVES: Record<string, AlertDrive[]> = {
  "raspberry-pi": [
    {
      alert: "HighTemperature",
      condition: "a board's CPU at 80 °C (document: > 75 °C)",
      series: [{ metric: "node_hwmon_temp_celsius", labels: { job: "node-exporter", instance: "k3s-worker-1:9100", chip: "thermal_thermal_zone0", sensor: "temp0" }, gauge: 80 }],
    },
    {
      alert: "HighErrorRate",
      condition: "the metrics app failing 20 requests/s (document: > 10 errors/sec)",
      series: [{ metric: "http_errors_total", labels: { job: "metrics-app", instance: "metrics-app:8080" }, perSecond: 20 }],
    },
  ],
  jobpilot: [
    {
      alert: "PostgresReplicationLag",
      condition: "the PostgreSQL replica 45 s behind (document: > 30 s)",
      series: [{ metric: "pg_replication_lag_seconds", labels: { job: "postgres-exporter", instance: "postgres-exporter:9187" }, gauge: 45 }],
    },
    {
      alert: "RedisDown",
      condition: "redis_exporter reports Redis unreachable (redis_up 0)",
      series: [{ metric: "redis_up", labels: { job: "redis-exporter", instance: "redis-exporter:9121" }, gauge: 0 }],
    },
  ],
  gorax: [
    {
      alert: "GoraxHighWorkflowFailureRate",
      condition: "one failed workflow execution per second (document: > 0.1/s)",
      series: [{ metric: "gorax_workflow_executions_total", labels: { job: "gorax-worker", instance: "gorax-worker:9091", status: "failed" }, perSecond: 1 }],
    },
    // Not GoraxAPIDown (pagerduty): its PagerDuty Events API v1 integration (service_key) posts to
    // events.pagerduty.com whatever `url` says, so no local sink can receive it (localise prints
    // this). Not GoraxStepRetriesHigh (default): the document's webhook on localhost:5001 has
    // nothing listening in the Alertmanager pod (the profile says so).
  ],
  // Operator mode: the PrometheusRule objects, loaded by the harness's stand-in for the user's Prometheus.
  tavira: [
    {
      alert: "QueueCriticalBacklog",
      condition: "6000 jobs in the default queue (document: > 5000)",
      series: [{ metric: "tavira_queue_size", labels: { job: "tavira-queue-worker-metrics", namespace: "default", queue: "default" }, gauge: 6000 }],
    },
    {
      alert: "QueueHighBacklog",
      condition: "the same 6000 jobs (document: > 1000)",
      series: [{ metric: "tavira_queue_size", labels: { job: "tavira-queue-worker-metrics", namespace: "default", queue: "default" }, gauge: 6000 }],
    },
  ],
  "slurm-exporter": [
    {
      alert: "SlurmExporterUnauthorizedAccess",
      condition: "one 401 answer per second (document: > 0.1/s)",
      series: [{ metric: "slurm_exporter_http_requests_total", labels: { job: "slurm-exporter", namespace: "slurm-exporter", status: "401" }, perSecond: 1 }],
    },
    {
      alert: "SlurmExporterStaleMetrics",
      condition: "the last collection 1000 s ago (document: > 5 minutes)",
      series: [{ metric: "slurm_exporter_last_collection_timestamp", labels: { job: "slurm-exporter", namespace: "slurm-exporter", collector: "jobs" }, gauge: Math.round(Date.now() / 1000) - 1000 }],
    },
  ],
};
