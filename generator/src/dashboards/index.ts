// The general dashboards every install gets: each becomes charts/grafana/dashboards/<name>.json
// and, when grafana.dashboards.<name>.enabled and the component that produces its metrics runs,
// a ConfigMap labelled grafana_dashboard: "1". A profile's own dashboards (a seed's included)
// come through grafana.userDashboards instead.
import { alertReceiver } from "./alert-receiver.js";
import { alertmanager } from "./alertmanager.js";
import type { DashboardDefinition } from "./kit.js";
import { kubernetes } from "./kubernetes.js";
import { nodes } from "./nodes.js";
import { prometheus } from "./prometheus.js";

export type { DashboardDefinition };

export const dashboards: DashboardDefinition[] = [nodes, kubernetes, prometheus, alertmanager, alertReceiver];
