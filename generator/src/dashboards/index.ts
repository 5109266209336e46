// The built-in dashboards. Each becomes charts/grafana/dashboards/<name>.json and, when
// grafana.dashboards.<name>.enabled, a ConfigMap labelled grafana_dashboard: "1".
import { gorax } from "./gorax.js";
import { jobpilot } from "./jobpilot.js";
import type { DashboardDefinition } from "./kit.js";
import { raspberryPi } from "./raspberry-pi.js";
import { slurmExporter } from "./slurm-exporter.js";

export type { DashboardDefinition };

export const dashboards: DashboardDefinition[] = [gorax, jobpilot, raspberryPi, slurmExporter];
