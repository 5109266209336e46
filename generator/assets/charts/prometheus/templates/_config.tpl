{{/*
prometheus.yml, built as data and serialised with toYaml, so no value is ever parsed as
template source. Alerts go to every Alertmanager pod, discovered through the headless
Service's EndpointSlices, never through a load-balanced Service. Credentials never appear
here: Secret keys are mounted as files under /etc/prometheus/secrets and referenced
through *_file fields.
*/}}

{{/* Where a SecretKeyRef is mounted: /etc/prometheus/secrets/<secret>/<key>. */}}
{{- define "prometheus.secretPath" -}}
{{- printf "/etc/prometheus/secrets/%s/%s" .name .key -}}
{{- end -}}

{{/* Every Secret the config reads (scrape jobs, remote_write, remote_read, secretMounts), as a sorted JSON list of names. */}}
{{- define "prometheus.secretNames" -}}
{{- $names := dict -}}
{{- range .Values.secretMounts }}{{ $_ := set $names . true }}{{ end -}}
{{- range concat .Values.scrapeJobs .Values.remoteWrite (.Values.remoteRead | default list) (.Values.additionalAlertmanagers | default list) -}}
{{- range $ref := list (.tls | default dict).caSecret (.tls | default dict).certSecret (.tls | default dict).keySecret (.basicAuth | default dict).usernameSecret (.basicAuth | default dict).passwordSecret .bearerTokenSecret (.oauth2 | default dict).clientSecretSecret (.sigv4 | default dict).credentialsSecret -}}
{{- with $ref }}{{ $_ := set $names .name true }}{{ end -}}
{{- end -}}
{{- end -}}
{{- keys $names | sortAlpha | toJson -}}
{{- end -}}

{{/* tls_config, basic_auth, authorization and oauth2 of a ScrapeJob, RemoteWrite or RemoteRead, as a YAML map. */}}
{{- define "prometheus.httpClient" -}}
{{- $out := dict -}}
{{- with .tls -}}
{{- $tls := dict -}}
{{- with .caSecret }}{{ $_ := set $tls "ca_file" (include "prometheus.secretPath" .) }}{{ end -}}
{{- with .certSecret }}{{ $_ := set $tls "cert_file" (include "prometheus.secretPath" .) }}{{ end -}}
{{- with .keySecret }}{{ $_ := set $tls "key_file" (include "prometheus.secretPath" .) }}{{ end -}}
{{- with .serverName }}{{ $_ := set $tls "server_name" . }}{{ end -}}
{{- if hasKey . "insecureSkipVerify" }}{{ $_ := set $tls "insecure_skip_verify" .insecureSkipVerify }}{{ end -}}
{{- $_ := set $out "tls_config" $tls -}}
{{- end -}}
{{- with .basicAuth -}}
{{- $_ := set $out "basic_auth" (dict "username_file" (include "prometheus.secretPath" .usernameSecret) "password_file" (include "prometheus.secretPath" .passwordSecret)) -}}
{{- end -}}
{{- with .bearerTokenSecret -}}
{{- $_ := set $out "authorization" (dict "type" "Bearer" "credentials_file" (include "prometheus.secretPath" .)) -}}
{{- end -}}
{{- with .oauth2 -}}
{{- $oauth2 := dict "client_id" .clientId "client_secret_file" (include "prometheus.secretPath" .clientSecretSecret) "token_url" .tokenUrl -}}
{{- with .scopes }}{{ $_ := set $oauth2 "scopes" . }}{{ end -}}
{{- with .endpointParams }}{{ $_ := set $oauth2 "endpoint_params" . }}{{ end -}}
{{- $_ := set $out "oauth2" $oauth2 -}}
{{- end -}}
{{- with .proxyUrl }}{{ $_ := set $out "proxy_url" . }}{{ end -}}
{{- if hasKey . "followRedirects" }}{{ $_ := set $out "follow_redirects" .followRedirects }}{{ end -}}
{{- if hasKey . "enableHttp2" }}{{ $_ := set $out "enable_http2" .enableHttp2 }}{{ end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* RelabelRule values (camelCase) to Prometheus relabel_configs (snake_case), as a YAML list. */}}
{{- define "prometheus.relabelConfigs" -}}
{{- $out := list -}}
{{- range . -}}
{{- $rule := dict -}}
{{- with .sourceLabels }}{{ $_ := set $rule "source_labels" . }}{{ end -}}
{{- if hasKey . "separator" }}{{ $_ := set $rule "separator" .separator }}{{ end -}}
{{- if hasKey . "regex" }}{{ $_ := set $rule "regex" .regex }}{{ end -}}
{{- with .targetLabel }}{{ $_ := set $rule "target_label" . }}{{ end -}}
{{- if hasKey . "replacement" }}{{ $_ := set $rule "replacement" .replacement }}{{ end -}}
{{- with .modulus }}{{ $_ := set $rule "modulus" . }}{{ end -}}
{{- with .action }}{{ $_ := set $rule "action" . }}{{ end -}}
{{- $out = append $out $rule -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/*
Relabelling that Kubernetes discovery of a ScrapeJob implies, as RelabelRule values: keep
only the Services with the wanted labels (roles endpoints, endpointslice), keep only the
wanted port, then attach the namespace, pod, service and node labels the role knows.
*/}}
{{- define "prometheus.kubernetesRelabelings" -}}
{{- $k := .kubernetes -}}
{{- $role := $k.role -}}
{{- $rules := list -}}
{{- if and (has $role (list "endpoints" "endpointslice")) $k.matchLabels -}}
{{- range $name, $value := $k.matchLabels -}}
{{- $rules = append $rules (dict "action" "keep" "sourceLabels" (list (printf "__meta_kubernetes_service_label_%s" (regexReplaceAll "[^a-zA-Z0-9_]" $name "_"))) "regex" (regexQuoteMeta $value)) -}}
{{- end -}}
{{- end -}}
{{- if hasKey $k "port" -}}
{{- $byName := kindIs "string" $k.port -}}
{{- $portLabels := dict
      "pod" (ternary "__meta_kubernetes_pod_container_port_name" "__meta_kubernetes_pod_container_port_number" $byName)
      "endpoints" (ternary "__meta_kubernetes_endpoint_port_name" "__address__" $byName)
      "endpointslice" (ternary "__meta_kubernetes_endpointslice_port_name" "__meta_kubernetes_endpointslice_port" $byName)
      "service" (ternary "__meta_kubernetes_service_port_name" "__meta_kubernetes_service_port_number" $byName) -}}
{{- $source := required (printf "prometheus.scrapeJobs %s: port does not apply to role %s" .name $role) (get $portLabels $role) -}}
{{- $regex := ternary (toString $k.port) (printf "%v" $k.port) $byName -}}
{{- if eq $source "__address__" }}{{ $regex = printf ".+:%v" $k.port }}{{ end -}}
{{- $rules = append $rules (dict "action" "keep" "sourceLabels" (list $source) "regex" $regex) -}}
{{- end -}}
{{- $targetLabels := dict
      "namespace" (ternary "" "__meta_kubernetes_namespace" (eq $role "node"))
      "pod" (ternary "__meta_kubernetes_pod_name" "" (has $role (list "pod" "endpoints" "endpointslice")))
      "service" (ternary "__meta_kubernetes_service_name" "" (has $role (list "endpoints" "endpointslice" "service")))
      "node" (ternary "__meta_kubernetes_node_name" (ternary "__meta_kubernetes_pod_node_name" "" (has $role (list "pod" "endpoints" "endpointslice"))) (eq $role "node"))
      "ingress" (ternary "__meta_kubernetes_ingress_name" "" (eq $role "ingress")) -}}
{{- range $label := list "namespace" "service" "pod" "node" "ingress" -}}
{{- with get $targetLabels $label -}}
{{- $rules = append $rules (dict "sourceLabels" (list .) "targetLabel" $label) -}}
{{- end -}}
{{- end -}}
{{- toYaml $rules -}}
{{- end -}}

{{/* A ScrapeJob's static value (one group, or a list of groups) as a list of {targets, labels}. */}}
{{- define "prometheus.staticGroups" -}}
{{- $out := list -}}
{{- range (kindIs "slice" . | ternary . (list .)) -}}
{{- $group := dict "targets" .targets -}}
{{- with .labels }}{{ $_ := set $group "labels" . }}{{ end -}}
{{- $out = append $out $group -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* One scrape_config from a ScrapeJob value. */}}
{{- define "prometheus.scrapeJob" -}}
{{- $job := dict "job_name" .name -}}
{{- $relabelings := list -}}
{{- with .kubernetes -}}
{{- $sd := dict "role" .role -}}
{{- with .namespaces }}{{ $_ := set $sd "namespaces" (dict "names" .) }}{{ end -}}
{{- if and .matchLabels (not (has .role (list "endpoints" "endpointslice"))) -}}
{{- $pairs := list -}}
{{- range $name, $value := .matchLabels }}{{ $pairs = append $pairs (printf "%s=%s" $name $value) }}{{ end -}}
{{- $_ := set $sd "selectors" (list (dict "role" .role "label" (join "," $pairs))) -}}
{{- end -}}
{{- $_ := set $job "kubernetes_sd_configs" (list $sd) -}}
{{- $relabelings = include "prometheus.kubernetesRelabelings" $ | fromYamlArray -}}
{{- end -}}
{{- with .static -}}
{{- $_ := set $job "static_configs" (include "prometheus.staticGroups" . | fromYamlArray) -}}
{{- end -}}
{{- range $from, $to := dict "sampleLimit" "sample_limit" "labelLimit" "label_limit" "labelNameLengthLimit" "label_name_length_limit" "labelValueLengthLimit" "label_value_length_limit" "targetLimit" "target_limit" -}}
{{- if hasKey $ $from }}{{ $_ := set $job $to (get $ $from) }}{{ end -}}
{{- end -}}
{{- with .metricsPath }}{{ $_ := set $job "metrics_path" . }}{{ end -}}
{{- with .scheme }}{{ $_ := set $job "scheme" . }}{{ end -}}
{{- with .interval }}{{ $_ := set $job "scrape_interval" . }}{{ end -}}
{{- with .timeout }}{{ $_ := set $job "scrape_timeout" . }}{{ end -}}
{{- with .params }}{{ $_ := set $job "params" . }}{{ end -}}
{{- if hasKey . "honorLabels" }}{{ $_ := set $job "honor_labels" .honorLabels }}{{ end -}}
{{- $job = merge $job (include "prometheus.httpClient" . | fromYaml) -}}
{{- $relabelings = concat $relabelings (.relabelings | default list) -}}
{{- with $relabelings }}{{ $_ := set $job "relabel_configs" (include "prometheus.relabelConfigs" . | fromYamlArray) }}{{ end -}}
{{- with .metricRelabelings }}{{ $_ := set $job "metric_relabel_configs" (include "prometheus.relabelConfigs" . | fromYamlArray) }}{{ end -}}
{{- toYaml $job -}}
{{- end -}}

{{/* One remote_write entry from a RemoteWrite value. */}}
{{- define "prometheus.remoteWrite" -}}
{{- $out := dict "url" .url -}}
{{- with .name }}{{ $_ := set $out "name" . }}{{ end -}}
{{- with .remoteTimeout }}{{ $_ := set $out "remote_timeout" . }}{{ end -}}
{{- with .headers }}{{ $_ := set $out "headers" . }}{{ end -}}
{{- $out = merge $out (include "prometheus.httpClient" . | fromYaml) -}}
{{- with .queue -}}
{{- $queue := dict -}}
{{- $keys := dict "capacity" "capacity" "minShards" "min_shards" "maxShards" "max_shards" "maxSamplesPerSend" "max_samples_per_send" "batchSendDeadline" "batch_send_deadline" "minBackoff" "min_backoff" "maxBackoff" "max_backoff" -}}
{{- range $from, $to := $keys }}{{ if hasKey $.queue $from }}{{ $_ := set $queue $to (get $.queue $from) }}{{ end }}{{ end -}}
{{- $_ := set $out "queue_config" $queue -}}
{{- end -}}
{{- with .writeRelabelings }}{{ $_ := set $out "write_relabel_configs" (include "prometheus.relabelConfigs" . | fromYamlArray) }}{{ end -}}
{{- if hasKey . "sendExemplars" }}{{ $_ := set $out "send_exemplars" .sendExemplars }}{{ end -}}
{{- with .protobufMessage }}{{ $_ := set $out "protobuf_message" . }}{{ end -}}
{{- with .sigv4 -}}
{{- /* Credentials reach the AWS SDK as a file (AWS_SHARED_CREDENTIALS_FILE, set on the container), never here. */ -}}
{{- $sigv4 := dict -}}
{{- with .region }}{{ $_ := set $sigv4 "region" . }}{{ end -}}
{{- with .profile }}{{ $_ := set $sigv4 "profile" . }}{{ end -}}
{{- with .roleArn }}{{ $_ := set $sigv4 "role_arn" . }}{{ end -}}
{{- $_ := set $out "sigv4" $sigv4 -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* One remote_read entry from a RemoteRead value. */}}
{{- define "prometheus.remoteRead" -}}
{{- $out := dict "url" .url -}}
{{- with .name }}{{ $_ := set $out "name" . }}{{ end -}}
{{- with .remoteTimeout }}{{ $_ := set $out "remote_timeout" . }}{{ end -}}
{{- with .headers }}{{ $_ := set $out "headers" . }}{{ end -}}
{{- if hasKey . "readRecent" }}{{ $_ := set $out "read_recent" .readRecent }}{{ end -}}
{{- with .requiredMatchers }}{{ $_ := set $out "required_matchers" . }}{{ end -}}
{{- if hasKey . "filterExternalLabels" }}{{ $_ := set $out "filter_external_labels" .filterExternalLabels }}{{ end -}}
{{- $out = merge $out (include "prometheus.httpClient" . | fromYaml) -}}
{{- toYaml $out -}}
{{- end -}}

{{/* The one AWS shared credentials file of the sigv4 endpoints (validate refuses two), or nothing. */}}
{{- define "prometheus.awsCredentialsFile" -}}
{{- range .Values.remoteWrite }}{{ with (.sigv4 | default dict).credentialsSecret }}{{ include "prometheus.secretPath" . }}{{ break }}{{ end }}{{ end -}}
{{- end -}}

{{- define "prometheus.config" -}}
{{- $release := .Release.Name -}}
{{- $externalLabels := dict -}}
{{- with (.Values.global).clusterName }}{{ $_ := set $externalLabels "cluster" . }}{{ end -}}
{{- $externalLabels = merge (deepCopy .Values.externalLabels) $externalLabels -}}
{{- /* Prometheus expands ${VAR} in external label values from its environment: POD_NAME is the container's. */ -}}
{{- with .Values.replicaExternalLabel }}{{ $_ := set $externalLabels . "${POD_NAME}" }}{{ end -}}
{{- $global := dict "scrape_interval" .Values.scrapeInterval "scrape_timeout" .Values.scrapeTimeout "evaluation_interval" .Values.evaluationInterval -}}
{{- if $externalLabels }}{{ $_ := set $global "external_labels" $externalLabels }}{{ end -}}
{{- with .Values.queryLogFile -}}
{{- /* A bare file name lands in the data volume, the one writable directory the chart mounts. */ -}}
{{- $_ := set $global "query_log_file" (ternary . (printf "/prometheus/%s" .) (hasPrefix "/" .)) -}}
{{- end -}}
{{- with .Values.scrapeFailureLogFile -}}
{{- $_ := set $global "scrape_failure_log_file" (ternary . (printf "/prometheus/%s" .) (hasPrefix "/" .)) -}}
{{- end -}}
{{- with .Values.keepDroppedTargets }}{{ $_ := set $global "keep_dropped_targets" . }}{{ end -}}
{{- with .Values.ruleQueryOffset }}{{ $_ := set $global "rule_query_offset" . }}{{ end -}}
{{- $scrapeDefaults := dict "protocols" "scrape_protocols" "nativeHistograms" "scrape_native_histograms" "alwaysScrapeClassicHistograms" "always_scrape_classic_histograms" "convertClassicHistogramsToNHCB" "convert_classic_histograms_to_nhcb" "extraScrapeMetrics" "extra_scrape_metrics" "bodySizeLimit" "body_size_limit" "sampleLimit" "sample_limit" "labelLimit" "label_limit" "labelNameLengthLimit" "label_name_length_limit" "labelValueLengthLimit" "label_value_length_limit" "targetLimit" "target_limit" -}}
{{- range $key, $value := (.Values.scrapeDefaults | default dict) }}{{ $_ := set $global (get $scrapeDefaults $key) $value }}{{ end -}}
{{- $namespaceSD := dict "names" (list .Release.Namespace) -}}
{{- $alertmanagers := list (dict
      "kubernetes_sd_configs" (list (dict "role" "endpointslice" "namespaces" $namespaceSD))
      "relabel_configs" (list
        (dict "source_labels" (list "__meta_kubernetes_service_name") "regex" (printf "%s-alertmanager-headless" $release) "action" "keep")
        (dict "source_labels" (list "__meta_kubernetes_endpointslice_port_name") "regex" "http-web" "action" "keep"))) -}}
{{- range .Values.additionalAlertmanagers -}}
{{- $am := dict "api_version" "v2" "static_configs" (list (dict "targets" .targets)) -}}
{{- with .scheme }}{{ $_ := set $am "scheme" . }}{{ end -}}
{{- with .pathPrefix }}{{ $_ := set $am "path_prefix" . }}{{ end -}}
{{- with .timeout }}{{ $_ := set $am "timeout" . }}{{ end -}}
{{- $alertmanagers = append $alertmanagers (merge $am (include "prometheus.httpClient" . | fromYaml)) -}}
{{- end -}}
{{- $alerting := dict "alertmanagers" $alertmanagers -}}
{{- /* The replica label would make each replica's alerts distinct: drop it, so Alertmanager deduplicates them. */ -}}
{{- with .Values.replicaExternalLabel -}}
{{- $_ := set $alerting "alert_relabel_configs" (list (dict "action" "labeldrop" "regex" .)) -}}
{{- end -}}
{{- /* Prometheus scrapes itself, unless a raw job named "prometheus" takes that over. */ -}}
{{- $ownSelfScrape := true -}}
{{- range .Values.extraScrapeConfigs }}{{ if eq (toString .job_name) "prometheus" }}{{ $ownSelfScrape = false }}{{ end }}{{ end -}}
{{- $scrapeConfigs := list -}}
{{- if $ownSelfScrape }}{{ $scrapeConfigs = append $scrapeConfigs (dict "job_name" "prometheus" "static_configs" (list (dict "targets" (list "localhost:9090")))) }}{{ end -}}
{{- range .Values.scrapeJobs }}{{ $scrapeConfigs = append $scrapeConfigs (include "prometheus.scrapeJob" . | fromYaml) }}{{ end -}}
{{- $config := dict
      "global" $global
      "alerting" $alerting
      "rule_files" (list "/etc/prometheus/rules/*.yaml")
      "scrape_config_files" (list "/etc/prometheus/scrape/*.yaml")
      "scrape_configs" (concat $scrapeConfigs .Values.extraScrapeConfigs) -}}
{{- with .Values.remoteWrite -}}
{{- $remoteWrite := list -}}
{{- range . }}{{ $remoteWrite = append $remoteWrite (include "prometheus.remoteWrite" . | fromYaml) }}{{ end -}}
{{- $_ := set $config "remote_write" $remoteWrite -}}
{{- end -}}
{{- with .Values.remoteRead -}}
{{- $remoteRead := list -}}
{{- range . }}{{ $remoteRead = append $remoteRead (include "prometheus.remoteRead" . | fromYaml) }}{{ end -}}
{{- $_ := set $config "remote_read" $remoteRead -}}
{{- end -}}
{{- with (.Values.tsdb | default dict).outOfOrderTimeWindow -}}
{{- $_ := set $config "storage" (dict "tsdb" (dict "out_of_order_time_window" .)) -}}
{{- end -}}
{{- with .Values.otlp -}}
{{- $keys := dict "promoteResourceAttributes" "promote_resource_attributes" "promoteAllResourceAttributes" "promote_all_resource_attributes" "ignoreResourceAttributes" "ignore_resource_attributes" "translationStrategy" "translation_strategy" "keepIdentifyingResourceAttributes" "keep_identifying_resource_attributes" "convertHistogramsToNHCB" "convert_histograms_to_nhcb" "promoteScopeMetadata" "promote_scope_metadata" "labelNameUnderscoreSanitization" "label_name_underscore_sanitization" "labelNamePreserveMultipleUnderscores" "label_name_preserve_multiple_underscores" -}}
{{- $otlp := dict -}}
{{- range $key, $value := . }}{{ $_ := set $otlp (get $keys $key) $value }}{{ end -}}
{{- $_ := set $config "otlp" $otlp -}}
{{- end -}}
{{- toYaml $config -}}
{{- end -}}
