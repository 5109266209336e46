// The kube-prometheus-stack values keys users set most, each with what `promstack import` makes
// of it: the profile path it writes (mapped), the promstack setting a user writes by hand
// because the import cannot carry the value as it is (manual), or why there is none. The
// import reports every key it does not carry with the reason given here; the semantics test
// feeds each row's example to the import and checks the row (a mapping added or lost fails it),
// and `promstack generate` writes docs/migrating-from-kube-prometheus-stack.md from it.

export type KpsKeyStatus = "mapped" | "manual" | "none";

export interface KpsKey {
  /** The kube-prometheus-stack values path, dotted (a key holding dots or dashes stays one segment). */
  key: string;
  /** A value a user sets there. */
  example: unknown;
  status: KpsKeyStatus;
  /** mapped: where the import writes it; manual: the promstack setting to write instead. */
  promstack?: string;
  /** mapped: what the import writes (default: the example); manual: a value for `promstack` the contract accepts. */
  value?: unknown;
  /** manual, none: the key the import reports when it is not the row's own (an enclosing section). */
  reportedAs?: string;
  /** manual, none: why, when the import reports another message than the table's reasons. */
  reason?: string;
}

const PROMETHEUS_SPEC = "prometheus.prometheusSpec";
const ALERTMANAGER_SPEC = "alertmanager.alertmanagerSpec";

/** Reasons for the keys the import reports, by reported key (a section covers all its keys). */
export const KPS_REASONS: Record<string, string> = {
  grafana: "kube-prometheus-stack's Grafana is the upstream grafana chart, whose values promstack's own Grafana does not share: set grafana.* (enabled, admin.existingSecret, ingress, persistence, userDashboards) by hand",
  nodeExporter: "node-exporter is promstack's exporters.nodeExporter: set exporters.nodeExporter.enabled by hand",
  "prometheus-node-exporter": "the node-exporter subchart's values are not promstack's: set exporters.nodeExporter (resources, scheduling, extraArgs) by hand",
  kubeStateMetrics: "kube-state-metrics is promstack's exporters.kubeStateMetrics: set exporters.kubeStateMetrics.enabled by hand",
  "kube-state-metrics": "the kube-state-metrics subchart's values are not promstack's: set exporters.kubeStateMetrics (resources, scheduling, extraArgs) by hand",
  kubeApiServer: "promstack scrapes no control-plane component by itself: add a Kubernetes-discovery job to prometheus.scrapeJobs",
  kubelet: "promstack scrapes no control-plane component by itself: add a Kubernetes-discovery job (role node) to prometheus.scrapeJobs",
  kubeControllerManager: "promstack scrapes no control-plane component by itself: add a job to prometheus.scrapeJobs",
  kubeScheduler: "promstack scrapes no control-plane component by itself: add a job to prometheus.scrapeJobs",
  kubeEtcd: "promstack scrapes no control-plane component by itself: add a job to prometheus.scrapeJobs (etcd's client certificates through prometheus.secretMounts)",
  kubeProxy: "promstack scrapes no control-plane component by itself: add a job to prometheus.scrapeJobs",
  coreDns: "promstack scrapes no control-plane component by itself: add a job to prometheus.scrapeJobs",
  prometheusOperator: "promstack runs Prometheus itself (prometheus.mode: standalone) or hands its objects to a Prometheus Operator (prometheus.mode: operator), which prometheus.operator.deploy: true installs with its CRDs; the import keeps standalone mode, set those two by hand",
  crds: "promstack installs no CRDs: standalone mode needs none, operator mode uses the cluster's",
  fullnameOverride: "object names are <release>-<component>: choose the release name",
  nameOverride: "object names are <release>-<component>: choose the release name",
  namespaceOverride: "everything goes to the release's namespace (helm --namespace)",
  commonLabels: "promstack sets the standard app.kubernetes.io labels; there is no extra label for every object",
  thanosRuler: "no Thanos Ruler: rules are evaluated by the one Prometheus",
  "prometheus.ingress": "the Ingress is prometheus.ingress, whose fields differ (host, path, className, tls, and one authentication): set it by hand",
  "prometheus.service": "the Services are ClusterIP (the Pods are reached through the headless Service or prometheus.ingress)",
  "prometheus.additionalServiceMonitors": "a ServiceMonitor becomes a job of prometheus.scrapeJobs with Kubernetes discovery (role endpoints, matchLabels, port); in operator mode the chart writes it as a ServiceMonitor",
  "prometheus.additionalPodMonitors": "a PodMonitor becomes a job of prometheus.scrapeJobs with Kubernetes discovery (role pod, matchLabels, port); in operator mode the chart writes it as a PodMonitor",
  "prometheus.serviceMonitor": "Prometheus scrapes itself (the job prometheus); in operator mode the chart writes its ServiceMonitor",
  "alertmanager.ingress": "the Ingress is alertmanager.ingress, whose fields differ (host, path, className, tls, and one authentication): set it by hand",
  "alertmanager.service": "the Services are ClusterIP (the Pods are reached through the headless Service or alertmanager.ingress)",
  "alertmanager.stringConfig": "paste the configuration's text into a file and import it (promstack import --alertmanager)",
  "alertmanager.tplConfig": "Helm templating inside the Alertmanager config is not carried: render it and import the result",
  [`${PROMETHEUS_SPEC}.image.repository`]: "the image is pinned by promstack; your own build is prometheus.image (repository, tag and the platforms it is published for), set by hand",
  [`${PROMETHEUS_SPEC}.image.tag`]: "the image is pinned by promstack; your own build is prometheus.image (repository, tag and the platforms it is published for), set by hand",
  [`${PROMETHEUS_SPEC}.image.sha`]: "the image is pinned by promstack; your own build is prometheus.image (repository, tag or digest, platforms), set by hand",
  [`${ALERTMANAGER_SPEC}.image.repository`]: "the image is pinned by promstack; your own build is alertmanager.image (repository, tag and the platforms it is published for), set by hand",
  [`${ALERTMANAGER_SPEC}.image.tag`]: "the image is pinned by promstack; your own build is alertmanager.image (repository, tag and the platforms it is published for), set by hand",
  [`${ALERTMANAGER_SPEC}.image.sha`]: "the image is pinned by promstack; your own build is alertmanager.image (repository, tag or digest, platforms), set by hand",
  [`${PROMETHEUS_SPEC}.enableAdminAPI`]: "the TSDB admin API (snapshots, series deletion) stays off; prometheus.extraArgs passes --web.enable-admin-api if you need it",
  [`${PROMETHEUS_SPEC}.enableRemoteWriteReceiver`]: "the flag is prometheus.extraArgs: {web.enable-remote-write-receiver: \"\"}",
  [`${PROMETHEUS_SPEC}.enableOTLPReceiver`]: "the flag is prometheus.extraArgs: {web.enable-otlp-receiver: \"\"}; prometheus.otlp shapes what it ingests",
  [`${PROMETHEUS_SPEC}.enableFeatures`]: "feature flags are prometheus.extraArgs: {enable-feature: <comma-separated list>}",
  [`${PROMETHEUS_SPEC}.logLevel`]: "the flag is prometheus.extraArgs: {log.level: <level>}",
  [`${PROMETHEUS_SPEC}.logFormat`]: "the flag is prometheus.extraArgs: {log.format: <format>}",
  [`${PROMETHEUS_SPEC}.walCompression`]: "the flag is prometheus.extraArgs: {storage.tsdb.wal-compression: \"\"} (on by default in the Prometheus promstack pins)",
  [`${PROMETHEUS_SPEC}.serviceMonitorSelectorNilUsesHelmValues`]: "promstack's standalone Prometheus reads no ServiceMonitors: its jobs are prometheus.scrapeJobs; in operator mode the operator's selectors decide, and prometheus.operator.monitorSelectorLabels labels promstack's objects for them (with prometheus.operator.deploy, the chart's Prometheus selects by exactly those labels; empty selects all)",
  [`${PROMETHEUS_SPEC}.serviceMonitorSelector`]: "promstack's standalone Prometheus reads no ServiceMonitors: its jobs are prometheus.scrapeJobs (operator mode: prometheus.operator.monitorSelectorLabels, which the Prometheus of prometheus.operator.deploy selects by)",
  [`${PROMETHEUS_SPEC}.podMonitorSelector`]: "promstack's own Prometheus reads no PodMonitors: its jobs are prometheus.scrapeJobs (operator mode: prometheus.operator.monitorSelectorLabels)",
  [`${PROMETHEUS_SPEC}.serviceMonitorNamespaceSelector`]: "promstack's own Prometheus reads no ServiceMonitors; a scrape job's Kubernetes discovery names its namespaces (prometheus.scrapeJobs[].kubernetes.namespaces)",
  [`${PROMETHEUS_SPEC}.ruleSelector`]: "promstack's own Prometheus reads its rules from the profile (rules:), not PrometheusRule objects",
  [`${PROMETHEUS_SPEC}.podMonitorSelectorNilUsesHelmValues`]: "promstack's own Prometheus reads no PodMonitors: its jobs are prometheus.scrapeJobs (operator mode: prometheus.operator.monitorSelectorLabels)",
  [`${PROMETHEUS_SPEC}.ruleSelectorNilUsesHelmValues`]: "promstack's own Prometheus reads its rules from the profile (rules:), not PrometheusRule objects; operator mode labels its PrometheusRule with prometheus.operator.ruleSelectorLabels",
  [`${PROMETHEUS_SPEC}.probeSelectorNilUsesHelmValues`]: "no Probe objects: blackbox probes are exporters.blackbox and its scrape jobs",
  [`${PROMETHEUS_SPEC}.scrapeConfigSelectorNilUsesHelmValues`]: "promstack's own Prometheus reads no ScrapeConfig objects: its jobs are prometheus.scrapeJobs and prometheus.extraScrapeConfigs",
  [`${PROMETHEUS_SPEC}.containers`]: "no extra containers in the Prometheus pod",
  [`${PROMETHEUS_SPEC}.initContainers`]: "no extra init containers in the Prometheus pod",
  [`${PROMETHEUS_SPEC}.securityContext`]: "the chart sets the restricted Pod Security context itself",
  [`${PROMETHEUS_SPEC}.thanos.objectStorageConfig`]: "an inline object storage config holds credentials: put it in a Secret (kubectl create secret generic thanos-objstore --from-file=objstore.yml) and set prometheus.thanosSidecar (enabled, objectStorageSecret) by hand",
  "prometheus.thanosService": "the headless Service <release>-prometheus-thanos-discovery (gRPC 10901, HTTP 10902) comes with prometheus.thanosSidecar",
  [`${PROMETHEUS_SPEC}.routePrefix`]: "Prometheus is served from /; an Ingress path is prometheus.ingress.path",
  [`${PROMETHEUS_SPEC}.query`]: "query limits are flags: prometheus.extraArgs (query.max-samples, query.timeout, query.max-concurrency)",
  [`${PROMETHEUS_SPEC}.serviceAccountName`]: "the chart makes the Prometheus service account with the RBAC its discovery needs",
  [`${ALERTMANAGER_SPEC}.logLevel`]: "the flag is alertmanager.extraArgs: {log.level: <level>}",
  [`${ALERTMANAGER_SPEC}.alertmanagerConfigSelector`]: "the Alertmanager configuration comes from the profile, not AlertmanagerConfig objects",
  [`${ALERTMANAGER_SPEC}.configSecret`]: "the configuration comes from the profile; alertmanager.configSecret renders it as a Secret for an operator-run Alertmanager instead",
  [`${ALERTMANAGER_SPEC}.useExistingSecret`]: "the configuration comes from the profile; import your Secret's alertmanager.yaml with --alertmanager",
  [`${ALERTMANAGER_SPEC}.routePrefix`]: "Alertmanager is served from /; an Ingress path is alertmanager.ingress.path",
};

/** What the import says of a kube-prometheus-stack key it does not carry. */
export function kpsNoEquivalentReason(reportedKey: string): string {
  return KPS_REASONS[reportedKey] ?? `kube-prometheus-stack key ${reportedKey} has no promstack equivalent`;
}

const scheduling = (spec: string, target: string): KpsKey[] => [
  { key: `${spec}.nodeSelector`, example: { role: "monitoring" }, status: "mapped", promstack: `${target}.scheduling.nodeSelector` },
  { key: `${spec}.tolerations`, example: [{ key: "dedicated", operator: "Equal", value: "monitoring", effect: "NoSchedule" }], status: "mapped", promstack: `${target}.scheduling.tolerations` },
  { key: `${spec}.affinity`, example: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "pool", operator: "In", values: ["monitoring"] }] }] } } }, status: "mapped", promstack: `${target}.scheduling.affinity` },
  { key: `${spec}.priorityClassName`, example: "monitoring-high", status: "mapped", promstack: `${target}.scheduling.priorityClassName` },
  { key: `${spec}.replicas`, example: 2, status: "mapped", promstack: `${target}.replicas` },
  { key: `${spec}.resources`, example: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "4Gi" } }, status: "mapped", promstack: `${target}.resources` },
  { key: `${spec}.externalUrl`, example: "https://monitoring.example.com", status: "mapped", promstack: `${target}.externalUrl` },
  { key: `${spec}.podAntiAffinity`, example: "hard", status: "mapped", promstack: `${target}.antiAffinity` },
];

export const KPS_KEYS: KpsKey[] = [
  { key: "global.imageRegistry", example: "registry.example.com", status: "mapped", promstack: "global.imageRegistry" },
  { key: "global.imagePullSecrets", example: [{ name: "pull-secret" }], status: "mapped", promstack: "global.imagePullSecrets" },
  { key: "fullnameOverride", example: "monitoring", status: "none" },
  { key: "nameOverride", example: "kps", status: "none" },
  { key: "namespaceOverride", example: "observability", status: "none" },
  { key: "commonLabels", example: { team: "platform" }, status: "none" },
  { key: "crds.enabled", example: false, status: "none", reportedAs: "crds" },

  { key: "prometheus.enabled", example: true, status: "mapped", promstack: "prometheus.enabled" },
  ...scheduling(PROMETHEUS_SPEC, "prometheus"),
  { key: `${PROMETHEUS_SPEC}.retention`, example: "30d", status: "mapped", promstack: "prometheus.retention.time" },
  { key: `${PROMETHEUS_SPEC}.retentionSize`, example: "50GB", status: "mapped", promstack: "prometheus.retention.size" },
  { key: `${PROMETHEUS_SPEC}.scrapeInterval`, example: "30s", status: "mapped", promstack: "prometheus.scrapeInterval" },
  { key: `${PROMETHEUS_SPEC}.scrapeTimeout`, example: "10s", status: "mapped", promstack: "prometheus.scrapeTimeout" },
  { key: `${PROMETHEUS_SPEC}.evaluationInterval`, example: "30s", status: "mapped", promstack: "prometheus.evaluationInterval" },
  { key: `${PROMETHEUS_SPEC}.externalLabels`, example: { cluster: "prod" }, status: "mapped", promstack: "prometheus.externalLabels" },
  { key: `${PROMETHEUS_SPEC}.storageSpec.volumeClaimTemplate.spec.resources.requests.storage`, example: "100Gi", status: "mapped", promstack: "prometheus.persistence.size" },
  { key: `${PROMETHEUS_SPEC}.storageSpec.volumeClaimTemplate.spec.storageClassName`, example: "fast-ssd", status: "mapped", promstack: "prometheus.persistence.storageClass" },
  { key: `${PROMETHEUS_SPEC}.storageSpec.volumeClaimTemplate.spec.accessModes`, example: ["ReadWriteOnce"], status: "mapped", promstack: "prometheus.persistence.accessModes" },
  { key: `${PROMETHEUS_SPEC}.storageSpec.emptyDir`, example: {}, status: "mapped", promstack: "prometheus.persistence.enabled", value: false },
  { key: `${PROMETHEUS_SPEC}.secrets`, example: ["etcd-client-certs"], status: "mapped", promstack: "prometheus.secretMounts" },
  { key: `${PROMETHEUS_SPEC}.configMaps`, example: ["file-sd-targets"], status: "mapped", promstack: "prometheus.configMapMounts" },
  { key: `${PROMETHEUS_SPEC}.additionalScrapeConfigs`, example: [{ job_name: "legacy-hosts", static_configs: [{ targets: ["10.0.0.5:9100"] }] }], status: "mapped", promstack: "prometheus.extraScrapeConfigs" },
  { key: `${PROMETHEUS_SPEC}.remoteWrite`, example: [{ url: "https://metrics.example.com/api/v1/write" }], status: "mapped", promstack: "prometheus.remoteWrite" },
  { key: `${PROMETHEUS_SPEC}.image.registry`, example: "mirror.example.com", status: "manual", promstack: "global.imageRegistry", value: "mirror.example.com", reason: "a registry for one component: promstack has global.imageRegistry for every image" },
  { key: `${PROMETHEUS_SPEC}.image.repository`, example: "mirror.example.com/prometheus/prometheus", status: "manual", promstack: "prometheus.image", value: { repository: "mirror.example.com/prometheus/prometheus", tag: "v3.5.0", platforms: ["linux/amd64", "linux/arm64"] } },
  { key: `${PROMETHEUS_SPEC}.image.sha`, example: "0000000000000000000000000000000000000000000000000000000000000000", status: "manual", promstack: "prometheus.image.digest", value: "sha256:0000000000000000000000000000000000000000000000000000000000000000" },
  { key: `${PROMETHEUS_SPEC}.image.tag`, example: "v3.5.0", status: "manual", promstack: "prometheus.image", value: { repository: "quay.io/prometheus/prometheus", tag: "v3.5.0", platforms: ["linux/amd64", "linux/arm64"] } },
  { key: `${PROMETHEUS_SPEC}.enableAdminAPI`, example: true, status: "manual", promstack: "prometheus.extraArgs", value: { "web.enable-admin-api": "" } },
  { key: `${PROMETHEUS_SPEC}.enableRemoteWriteReceiver`, example: true, status: "manual", promstack: "prometheus.extraArgs", value: { "web.enable-remote-write-receiver": "" } },
  { key: `${PROMETHEUS_SPEC}.enableFeatures`, example: ["exemplar-storage"], status: "manual", promstack: "prometheus.extraArgs", value: { "enable-feature": "exemplar-storage" } },
  { key: `${PROMETHEUS_SPEC}.logLevel`, example: "debug", status: "manual", promstack: "prometheus.extraArgs", value: { "log.level": "debug" } },
  { key: `${PROMETHEUS_SPEC}.logFormat`, example: "json", status: "manual", promstack: "prometheus.extraArgs", value: { "log.format": "json" } },
  { key: `${PROMETHEUS_SPEC}.walCompression`, example: true, status: "manual", promstack: "prometheus.extraArgs", value: { "storage.tsdb.wal-compression": "" } },
  { key: `${PROMETHEUS_SPEC}.query`, example: { maxSamples: 50000000 }, status: "manual", promstack: "prometheus.extraArgs", value: { "query.max-samples": "50000000" } },
  { key: `${PROMETHEUS_SPEC}.podMetadata`, example: { annotations: { "example.com/owner": "platform" } }, status: "mapped", promstack: "prometheus.podAnnotations", value: { "example.com/owner": "platform" } },
  { key: `${PROMETHEUS_SPEC}.serviceMonitorSelectorNilUsesHelmValues`, example: false, status: "none" },
  { key: `${PROMETHEUS_SPEC}.serviceMonitorSelector`, example: { matchLabels: { team: "platform" } }, status: "none" },
  { key: `${PROMETHEUS_SPEC}.serviceMonitorNamespaceSelector`, example: {}, status: "none" },
  { key: `${PROMETHEUS_SPEC}.podMonitorSelectorNilUsesHelmValues`, example: false, status: "none" },
  { key: `${PROMETHEUS_SPEC}.podMonitorSelector`, example: { matchLabels: { team: "platform" } }, status: "none" },
  { key: `${PROMETHEUS_SPEC}.ruleSelector`, example: { matchLabels: { team: "platform" } }, status: "none" },
  { key: `${PROMETHEUS_SPEC}.ruleSelectorNilUsesHelmValues`, example: false, status: "none" },
  { key: `${PROMETHEUS_SPEC}.probeSelectorNilUsesHelmValues`, example: false, status: "none" },
  { key: `${PROMETHEUS_SPEC}.scrapeConfigSelectorNilUsesHelmValues`, example: false, status: "none" },
  { key: `${PROMETHEUS_SPEC}.additionalAlertManagerConfigs`, example: [{ static_configs: [{ targets: ["alertmanager.other:9093"] }] }], status: "mapped", promstack: "prometheus.additionalAlertmanagers", value: [{ targets: ["alertmanager.other:9093"] }] },
  { key: `${PROMETHEUS_SPEC}.remoteRead`, example: [{ url: "https://metrics.example.com/api/v1/read" }], status: "mapped", promstack: "prometheus.remoteRead" },
  { key: `${PROMETHEUS_SPEC}.queryLogFile`, example: "/dev/stdout", status: "mapped", promstack: "prometheus.queryLogFile" },
  { key: `${PROMETHEUS_SPEC}.scrapeFailureLogFile`, example: "/dev/stderr", status: "mapped", promstack: "prometheus.scrapeFailureLogFile" },
  { key: `${PROMETHEUS_SPEC}.tsdb.outOfOrderTimeWindow`, example: "30m", status: "mapped", promstack: "prometheus.tsdb.outOfOrderTimeWindow" },
  { key: `${PROMETHEUS_SPEC}.keepDroppedTargets`, example: 100, status: "mapped", promstack: "prometheus.keepDroppedTargets" },
  { key: `${PROMETHEUS_SPEC}.otlp`, example: { promoteResourceAttributes: ["service.name", "k8s.namespace.name"], translationStrategy: "UnderscoreEscapingWithoutSuffixes" }, status: "mapped", promstack: "prometheus.otlp" },
  { key: `${PROMETHEUS_SPEC}.enableOTLPReceiver`, example: true, status: "manual", promstack: "prometheus.extraArgs", value: { "web.enable-otlp-receiver": "" } },
  { key: `${PROMETHEUS_SPEC}.replicaExternalLabelName`, example: "prometheus_replica", status: "mapped", promstack: "prometheus.replicaExternalLabel" },
  { key: `${PROMETHEUS_SPEC}.topologySpreadConstraints`, example: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" }], status: "mapped", promstack: "prometheus.scheduling.topologySpreadConstraints" },
  // volumeMounts is imported too (to prometheus.extraVolumeMounts), but only with the volumes it names: no row of its own.
  { key: `${PROMETHEUS_SPEC}.volumes`, example: [{ name: "extra", emptyDir: { sizeLimit: "1Gi" } }], status: "mapped", promstack: "prometheus.extraVolumes" },
  { key: `${PROMETHEUS_SPEC}.containers`, example: [{ name: "sidecar", image: "busybox" }], status: "none" },
  { key: `${PROMETHEUS_SPEC}.initContainers`, example: [{ name: "init", image: "busybox" }], status: "none" },
  { key: `${PROMETHEUS_SPEC}.securityContext`, example: { runAsUser: 1000 }, status: "none" },
  { key: `${PROMETHEUS_SPEC}.thanos.objectStorageConfig.existingSecret`, example: { name: "thanos", key: "objstore.yml" }, status: "mapped", promstack: "prometheus.thanosSidecar.objectStorageSecret" },
  { key: `${PROMETHEUS_SPEC}.thanos.resources`, example: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } }, status: "mapped", promstack: "prometheus.thanosSidecar.resources" },
  { key: `${PROMETHEUS_SPEC}.thanos.objectStorageConfig.secret`, example: { type: "S3", config: { bucket: "metrics" } }, status: "manual", promstack: "prometheus.thanosSidecar.objectStorageSecret", value: { name: "thanos-objstore", key: "objstore.yml" }, reportedAs: `${PROMETHEUS_SPEC}.thanos.objectStorageConfig` },
  { key: "prometheus.thanosService.enabled", example: true, status: "none", reportedAs: "prometheus.thanosService" },
  { key: `${PROMETHEUS_SPEC}.routePrefix`, example: "/prometheus", status: "none" },
  { key: `${PROMETHEUS_SPEC}.serviceAccountName`, example: "prometheus", status: "none" },
  { key: "prometheus.ingress.enabled", example: true, status: "manual", promstack: "prometheus.ingress", value: { enabled: true, host: "prometheus.example.com" }, reportedAs: "prometheus.ingress" },
  { key: "prometheus.service.type", example: "NodePort", status: "none", reportedAs: "prometheus.service" },
  { key: "prometheus.additionalServiceMonitors", example: [{ name: "app", selector: { matchLabels: { app: "shop" } }, endpoints: [{ port: "metrics" }] }], status: "manual", promstack: "prometheus.scrapeJobs", value: [{ name: "app", kubernetes: { role: "endpoints", matchLabels: { app: "shop" }, port: "metrics" } }] },
  { key: "prometheus.additionalPodMonitors", example: [{ name: "worker", selector: { matchLabels: { app: "worker" } }, podMetricsEndpoints: [{ port: "metrics" }] }], status: "manual", promstack: "prometheus.scrapeJobs", value: [{ name: "worker", kubernetes: { role: "pod", matchLabels: { app: "worker" }, port: "metrics" } }] },
  { key: "prometheus.serviceMonitor.interval", example: "30s", status: "none", reportedAs: "prometheus.serviceMonitor" },

  { key: "alertmanager.enabled", example: false, status: "mapped", promstack: "alertmanager.enabled" },
  { key: "alertmanager.config", example: { route: { receiver: "team" }, receivers: [{ name: "team" }] }, status: "mapped", promstack: "alertmanager.route.receiver", value: "team" },
  // Helm merges a partial config over the chart's default: the route and receivers stay the defaults'.
  { key: "alertmanager.config.global.resolve_timeout", example: "10m", status: "mapped", promstack: "alertmanager.globalConfig.resolveTimeout" },
  { key: "alertmanager.templateFiles", example: { "team.tmpl": '{{ define "team.title" }}{{ .CommonLabels.alertname }}{{ end }}' }, status: "mapped", promstack: "alertmanager.templates", value: { "team.tmpl": '{{ define "team.title" }}{{ .CommonLabels.alertname }}{{ end }}' } },
  ...scheduling(ALERTMANAGER_SPEC, "alertmanager"),
  { key: `${ALERTMANAGER_SPEC}.retention`, example: "240h", status: "mapped", promstack: "alertmanager.retention" },
  { key: `${ALERTMANAGER_SPEC}.storage.volumeClaimTemplate.spec.resources.requests.storage`, example: "10Gi", status: "mapped", promstack: "alertmanager.persistence.size" },
  { key: `${ALERTMANAGER_SPEC}.storage.volumeClaimTemplate.spec.storageClassName`, example: "fast-ssd", status: "mapped", promstack: "alertmanager.persistence.storageClass" },
  { key: `${ALERTMANAGER_SPEC}.image.registry`, example: "mirror.example.com", status: "manual", promstack: "global.imageRegistry", value: "mirror.example.com", reason: "a registry for one component: promstack has global.imageRegistry for every image" },
  { key: `${ALERTMANAGER_SPEC}.image.repository`, example: "mirror.example.com/prometheus/alertmanager", status: "manual", promstack: "alertmanager.image", value: { repository: "mirror.example.com/prometheus/alertmanager", tag: "v0.28.1", platforms: ["linux/amd64", "linux/arm64"] } },
  { key: `${ALERTMANAGER_SPEC}.image.sha`, example: "0000000000000000000000000000000000000000000000000000000000000000", status: "manual", promstack: "alertmanager.image.digest", value: "sha256:0000000000000000000000000000000000000000000000000000000000000000" },
  { key: `${ALERTMANAGER_SPEC}.image.tag`, example: "v0.28.1", status: "manual", promstack: "alertmanager.image", value: { repository: "quay.io/prometheus/alertmanager", tag: "v0.28.1", platforms: ["linux/amd64", "linux/arm64"] } },
  { key: `${ALERTMANAGER_SPEC}.logLevel`, example: "debug", status: "manual", promstack: "alertmanager.extraArgs", value: { "log.level": "debug" } },
  { key: `${ALERTMANAGER_SPEC}.podMetadata`, example: { annotations: { "example.com/owner": "platform" } }, status: "mapped", promstack: "alertmanager.podAnnotations", value: { "example.com/owner": "platform" } },
  { key: `${ALERTMANAGER_SPEC}.alertmanagerConfigSelector`, example: { matchLabels: { alertmanagerConfig: "team" } }, status: "none" },
  { key: `${ALERTMANAGER_SPEC}.configSecret`, example: "alertmanager-config", status: "none" },
  { key: `${ALERTMANAGER_SPEC}.useExistingSecret`, example: true, status: "none" },
  { key: `${ALERTMANAGER_SPEC}.secrets`, example: ["smtp-credentials"], status: "mapped", promstack: "alertmanager.secretMounts" },
  { key: `${ALERTMANAGER_SPEC}.topologySpreadConstraints`, example: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" }], status: "mapped", promstack: "alertmanager.scheduling.topologySpreadConstraints" },
  { key: `${ALERTMANAGER_SPEC}.routePrefix`, example: "/alertmanager", status: "none" },
  { key: "alertmanager.ingress.enabled", example: true, status: "manual", promstack: "alertmanager.ingress", value: { enabled: true, host: "alertmanager.example.com" }, reportedAs: "alertmanager.ingress" },
  { key: "alertmanager.service.type", example: "NodePort", status: "none", reportedAs: "alertmanager.service" },
  { key: "alertmanager.stringConfig", example: "route:\n  receiver: team\nreceivers:\n  - name: team\n", status: "none" },
  { key: "alertmanager.tplConfig", example: true, status: "none" },

  { key: "additionalPrometheusRulesMap", example: { team: { groups: [{ name: "team", rules: [{ alert: "TeamJobDown", expr: 'up{job="team"} == 0', for: "5m", labels: { severity: "critical" } }] }] } }, status: "mapped", promstack: "rules.team.rules", value: [{ alert: "TeamJobDown", expr: 'up{job="team"} == 0', for: "5m", labels: { severity: "critical" } }] },
  { key: "defaultRules.disabled.NodeDown", example: true, status: "mapped", promstack: "rules.node.NodeDown.enabled", value: false },
  { key: "defaultRules.create", example: false, status: "manual", promstack: "rules.node.enabled", value: false, reason: "defaultRules.create: kube-prometheus-stack's default rules are not promstack's packs; switch packs off with rules.<pack>.enabled" },
  { key: "defaultRules.rules.etcd", example: false, status: "none", reportedAs: "defaultRules.rules", reason: "defaultRules.rules: kube-prometheus-stack's default rules are not promstack's packs; switch packs off with rules.<pack>.enabled" },

  { key: "grafana.enabled", example: false, status: "manual", promstack: "grafana.enabled", value: false, reportedAs: "grafana" },
  { key: "grafana.adminPassword", example: "change-me", status: "manual", promstack: "grafana.admin.existingSecret", value: "grafana-admin", reportedAs: "grafana" },
  { key: "grafana.ingress.enabled", example: true, status: "manual", promstack: "grafana.ingress", value: { enabled: true, host: "grafana.example.com" }, reportedAs: "grafana" },
  { key: "grafana.persistence.enabled", example: true, status: "manual", promstack: "grafana.persistence.enabled", value: true, reportedAs: "grafana" },
  { key: "grafana.service.type", example: "NodePort", status: "none", reportedAs: "grafana" },
  { key: "grafana.sidecar.dashboards.searchNamespace", example: "ALL", status: "none", reportedAs: "grafana" },
  { key: "nodeExporter.enabled", example: false, status: "manual", promstack: "exporters.nodeExporter.enabled", value: false, reportedAs: "nodeExporter" },
  { key: "prometheus-node-exporter.resources", example: { requests: { cpu: "50m", memory: "64Mi" } }, status: "manual", promstack: "exporters.nodeExporter.resources", value: { requests: { cpu: "50m", memory: "64Mi" } }, reportedAs: "prometheus-node-exporter" },
  { key: "kubeStateMetrics.enabled", example: false, status: "manual", promstack: "exporters.kubeStateMetrics.enabled", value: false, reportedAs: "kubeStateMetrics" },
  { key: "kube-state-metrics.resources", example: { requests: { cpu: "50m", memory: "128Mi" } }, status: "manual", promstack: "exporters.kubeStateMetrics.resources", value: { requests: { cpu: "50m", memory: "128Mi" } }, reportedAs: "kube-state-metrics" },
  { key: "kubeApiServer.enabled", example: false, status: "none", reportedAs: "kubeApiServer" },
  { key: "kubelet.enabled", example: false, status: "none", reportedAs: "kubelet" },
  { key: "kubeControllerManager.enabled", example: false, status: "none", reportedAs: "kubeControllerManager" },
  { key: "kubeScheduler.enabled", example: false, status: "none", reportedAs: "kubeScheduler" },
  { key: "kubeEtcd.enabled", example: false, status: "none", reportedAs: "kubeEtcd" },
  { key: "kubeProxy.enabled", example: false, status: "none", reportedAs: "kubeProxy" },
  { key: "coreDns.enabled", example: false, status: "none", reportedAs: "coreDns" },
  { key: "prometheusOperator.enabled", example: false, status: "none", reportedAs: "prometheusOperator" },
  { key: "thanosRuler.enabled", example: true, status: "none", reportedAs: "thanosRuler" },
];

/** The key the import reports for a row it does not carry, and the reason it gives. */
export function reportedReason(row: KpsKey): { key: string; reason: string } {
  const key = row.reportedAs ?? row.key;
  return { key, reason: row.reason ?? kpsNoEquivalentReason(key) };
}
