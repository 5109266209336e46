// The subcharts of the umbrella chart, each backed by one schema file and deployed
// behind the condition <name>.enabled.
export interface Component {
  /** Subchart directory and values key. */
  name: string;
  schemaFile: string;
  description: string;
  /** Values paths of image objects, mapped to catalogue image keys. */
  images: Record<string, string>;
  /** Catalogue image whose tag is the subchart's appVersion. */
  appImage?: string;
}

export const components: Component[] = [
  {
    name: "prometheus",
    schemaFile: "prometheus.schema.json",
    description: "Prometheus server: scraping, rules, alert delivery to every Alertmanager",
    images: { image: "prometheus", "configReloader.image": "configReloader", "thanosSidecar.image": "thanos", "operator.image": "prometheusOperator" },
    appImage: "prometheus",
  },
  {
    name: "alertmanager",
    schemaFile: "alertmanager.schema.json",
    description: "Highly available Alertmanager cluster",
    images: { image: "alertmanager" },
    appImage: "alertmanager",
  },
  {
    name: "alert-receiver",
    schemaFile: "alert-receiver.schema.json",
    description: "Webhook receiver that logs Alertmanager notifications as JSON lines",
    images: { image: "alertReceiver" },
  },
  {
    name: "exporters",
    schemaFile: "exporters.schema.json",
    description: "node-exporter, kube-state-metrics, and the PostgreSQL, Redis and blackbox exporters",
    images: {
      "nodeExporter.image": "nodeExporter",
      "kubeStateMetrics.image": "kubeStateMetrics",
      "postgres.image": "postgresExporter",
      "redis.image": "redisExporter",
      "blackbox.image": "blackboxExporter",
    },
    appImage: "nodeExporter",
  },
  {
    name: "grafana",
    schemaFile: "grafana.schema.json",
    description: "Grafana with the stack's Prometheus as data source",
    images: { image: "grafana" },
    appImage: "grafana",
  },
  {
    name: "network-policies",
    schemaFile: "network-policies.schema.json",
    description: "Default-deny NetworkPolicies that allow exactly the stack's own paths",
    images: {},
  },
];

export const umbrellaSchemaFile = "promstack.schema.json";
