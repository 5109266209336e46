{{/*
What the stack scrapes of itself, decided here because only the umbrella chart sees every
component's values. One description, two renderings: scrape jobs for the stack's own
Prometheus (standalone mode, scrape-configmap.yaml) or ServiceMonitor, PodMonitor and Probe
objects for an existing Prometheus Operator (operator mode, monitors.yaml). Job names are the
component names in both modes, so alert rules work unchanged.
*/}}

{{/* Components scraped through their Service's port: a JSON list of {component, namespace, port}. */}}
{{- define "promstack.serviceTargets" -}}
{{- $namespace := .Release.Namespace -}}
{{- $targets := list -}}
{{- /* The chart's own operator runs Prometheus: it scrapes itself through this ServiceMonitor. */ -}}
{{- with .Values.prometheus }}{{ if and .enabled (eq .mode "operator") .operator.deploy }}{{ $targets = append $targets (dict "component" "prometheus" "namespace" $namespace "port" "http-web") }}{{ end }}{{ end -}}
{{- if .Values.alertmanager.enabled }}{{ $targets = append $targets (dict "component" "alertmanager" "namespace" $namespace "port" "http-web") }}{{ end -}}
{{- if (index .Values "alert-receiver").enabled }}{{ $targets = append $targets (dict "component" "alert-receiver" "namespace" $namespace "port" "http-web") }}{{ end -}}
{{- /* grafana.deploy false ships only dashboards, for a Grafana of someone else's. */ -}}
{{- if and .Values.grafana.enabled (or (not (hasKey .Values.grafana "deploy")) .Values.grafana.deploy) }}{{ $targets = append $targets (dict "component" "grafana" "namespace" $namespace "port" "http-web") }}{{ end -}}
{{- with .Values.exporters -}}
{{- if .enabled -}}
{{- if .nodeExporter.enabled }}{{ $targets = append $targets (dict "component" "node-exporter" "namespace" (.nodeExporter.namespace | default $namespace) "port" "metrics") }}{{ end -}}
{{- /* kube-state-metrics reports other objects' namespace, pod and node: its labels win over the target's (honorLabels). */ -}}
{{- if .kubeStateMetrics.enabled }}{{ $targets = append $targets (dict "component" "kube-state-metrics" "namespace" $namespace "port" "metrics" "honorLabels" true) }}{{ end -}}
{{- if .postgres.enabled }}{{ $targets = append $targets (dict "component" "postgres-exporter" "namespace" $namespace "port" "metrics") }}{{ end -}}
{{- if .redis.enabled }}{{ $targets = append $targets (dict "component" "redis-exporter" "namespace" $namespace "port" "metrics") }}{{ end -}}
{{- if .blackbox.enabled }}{{ $targets = append $targets (dict "component" "blackbox-exporter" "namespace" $namespace "port" "metrics") }}{{ end -}}
{{- end -}}
{{- end -}}
{{- toJson $targets -}}
{{- end -}}

{{/* The Service labels that mark a component's one scraped Service (alertmanager has two Services). */}}
{{- define "promstack.scrapedServiceLabels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
promstack.dev/scrape: "true"
{{- end -}}

{{/* RabbitMQ's built-in endpoint: a JSON list of {job, path, params}; empty unless RabbitMQ is scraped. */}}
{{- define "promstack.rabbitmqEndpoints" -}}
{{- $endpoints := list -}}
{{- with .Values.exporters -}}
{{- if and .enabled .rabbitmq.enabled -}}
{{- $endpoints = append $endpoints (dict "job" "rabbitmq" "path" "/metrics" "params" (dict)) -}}
{{- with .rabbitmq.detailedFamilies -}}
{{- $endpoints = append $endpoints (dict "job" "rabbitmq-detailed" "path" "/metrics/detailed" "params" (dict "family" .)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toJson $endpoints -}}
{{- end -}}

{{/* Address of the blackbox exporter's Service. */}}
{{- define "promstack.blackboxAddress" -}}
{{- printf "%s.%s.svc:9115" (include "promstack.fullname" (dict "Chart" .Chart "Release" .Release "name" "blackbox-exporter")) .Release.Namespace -}}
{{- end -}}

{{/* Prometheus scrape_configs for all of the above (standalone mode), as YAML. */}}
{{- define "promstack.stackScrapeConfigs" -}}
{{- $ctx := . -}}
{{- $jobs := list -}}
{{- range include "promstack.serviceTargets" . | fromJsonArray -}}
{{- $keep := list -}}
{{- range $label, $value := include "promstack.scrapedServiceLabels" (dict "ctx" $ctx "component" .component) | fromYaml -}}
{{- $keep = append $keep (dict "action" "keep" "source_labels" (list (printf "__meta_kubernetes_service_label_%s" (regexReplaceAll "[^a-zA-Z0-9_]" $label "_"))) "regex" (regexQuoteMeta $value)) -}}
{{- end -}}
{{- $relabel := concat $keep (list
      (dict "action" "keep" "source_labels" (list "__meta_kubernetes_endpointslice_port_name") "regex" .port)
      (dict "source_labels" (list "__meta_kubernetes_namespace") "target_label" "namespace")
      (dict "source_labels" (list "__meta_kubernetes_service_name") "target_label" "service")
      (dict "source_labels" (list "__meta_kubernetes_pod_name") "target_label" "pod")
      (dict "source_labels" (list "__meta_kubernetes_pod_node_name") "target_label" "node")) -}}
{{- $job := dict
      "job_name" .component
      "kubernetes_sd_configs" (list (dict "role" "endpointslice" "namespaces" (dict "names" (list .namespace))))
      "relabel_configs" $relabel -}}
{{- if .honorLabels }}{{ $_ := set $job "honor_labels" true }}{{ end -}}
{{- $jobs = append $jobs $job -}}
{{- end -}}
{{- with .Values.exporters.rabbitmq -}}
{{- $rabbitmq := . -}}
{{- range include "promstack.rabbitmqEndpoints" $ctx | fromJsonArray -}}
{{- $pairs := list -}}
{{- range $name, $value := $rabbitmq.podLabels }}{{ $pairs = append $pairs (printf "%s=%s" $name $value) }}{{ end -}}
{{- $job := dict
      "job_name" .job
      "metrics_path" .path
      "kubernetes_sd_configs" (list (dict "role" "pod" "namespaces" (dict "names" (list ($rabbitmq.namespace | default $ctx.Release.Namespace))) "selectors" (list (dict "role" "pod" "label" (join "," $pairs)))))
      "relabel_configs" (list
        (dict "action" "keep" "source_labels" (list "__meta_kubernetes_pod_container_port_number") "regex" (printf "%d" (int $rabbitmq.port)))
        (dict "source_labels" (list "__meta_kubernetes_namespace") "target_label" "namespace")
        (dict "source_labels" (list "__meta_kubernetes_pod_name") "target_label" "pod")
        (dict "source_labels" (list "__meta_kubernetes_pod_node_name") "target_label" "node")) -}}
{{- with .params }}{{ $_ := set $job "params" . }}{{ end -}}
{{- $jobs = append $jobs $job -}}
{{- end -}}
{{- end -}}
{{- if and .Values.exporters.enabled .Values.exporters.blackbox.enabled -}}
{{- range .Values.exporters.blackbox.probes -}}
{{- $static := dict "targets" .targets -}}
{{- with .labels }}{{ $_ := set $static "labels" . }}{{ end -}}
{{- $job := dict
      "job_name" (printf "blackbox-%s" .name)
      "metrics_path" "/probe"
      "params" (dict "module" (list .module))
      "static_configs" (list $static)
      "relabel_configs" (list
        (dict "source_labels" (list "__address__") "target_label" "__param_target")
        (dict "source_labels" (list "__param_target") "target_label" "instance")
        (dict "target_label" "__address__" "replacement" (include "promstack.blackboxAddress" $ctx))) -}}
{{- with .interval }}{{ $_ := set $job "scrape_interval" . }}{{ end -}}
{{- $jobs = append $jobs $job -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "scrape_configs" $jobs) -}}
{{- end -}}
