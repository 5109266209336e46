{{/*
prometheus.yml, built as data and serialised with toYaml, so no value is ever parsed as
template source. Alerts go to every Alertmanager pod, discovered through the headless
Service's EndpointSlices, never through a load-balanced Service.
*/}}
{{- define "prometheus.config" -}}
{{- $release := .Release.Name -}}
{{- $externalLabels := dict -}}
{{- with (.Values.global).clusterName }}{{ $_ := set $externalLabels "cluster" . }}{{ end -}}
{{- $externalLabels = merge (deepCopy .Values.externalLabels) $externalLabels -}}
{{- $global := dict "scrape_interval" .Values.scrapeInterval "scrape_timeout" .Values.scrapeTimeout "evaluation_interval" .Values.evaluationInterval -}}
{{- if $externalLabels }}{{ $_ := set $global "external_labels" $externalLabels }}{{ end -}}
{{- $namespaceSD := dict "names" (list .Release.Namespace) -}}
{{- $alertmanagers := list (dict
      "kubernetes_sd_configs" (list (dict "role" "endpointslice" "namespaces" $namespaceSD))
      "relabel_configs" (list
        (dict "source_labels" (list "__meta_kubernetes_service_name") "regex" (printf "%s-alertmanager-headless" $release) "action" "keep")
        (dict "source_labels" (list "__meta_kubernetes_endpointslice_port_name") "regex" "http-web" "action" "keep"))) -}}
{{- $selfScrape := dict "job_name" "prometheus" "static_configs" (list (dict "targets" (list "localhost:9090"))) -}}
{{- /* Every Service of this release labelled promstack.dev/scrape=true, on its port named metrics. */ -}}
{{- $stackScrape := dict
      "job_name" "promstack"
      "kubernetes_sd_configs" (list (dict "role" "endpointslice"))
      "relabel_configs" (list
        (dict "source_labels" (list "__meta_kubernetes_service_label_app_kubernetes_io_instance" "__meta_kubernetes_service_label_promstack_dev_scrape") "regex" (printf "%s;true" $release) "action" "keep")
        (dict "source_labels" (list "__meta_kubernetes_endpointslice_port_name") "regex" "metrics|http-web" "action" "keep")
        (dict "source_labels" (list "__meta_kubernetes_service_label_app_kubernetes_io_name") "target_label" "job")
        (dict "source_labels" (list "__meta_kubernetes_namespace") "target_label" "namespace")
        (dict "source_labels" (list "__meta_kubernetes_pod_name") "target_label" "pod")
        (dict "source_labels" (list "__meta_kubernetes_pod_node_name") "target_label" "node")) -}}
{{- $config := dict
      "global" $global
      "alerting" (dict "alertmanagers" $alertmanagers)
      "rule_files" (list "/etc/prometheus/rules/*.yaml")
      "scrape_configs" (concat (list $selfScrape $stackScrape) .Values.extraScrapeConfigs) -}}
{{- toYaml $config -}}
{{- end -}}
