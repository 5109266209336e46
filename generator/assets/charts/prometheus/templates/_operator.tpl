{{/*
Operator mode: a ScrapeJob value as the Prometheus Operator's objects. RelabelRule values are
already written the operator's way (camelCase); credentials stay Secret references, which
the operator reads from the release namespace.
*/}}

{{/* Name of the ConfigMap holding a scrape job's oauth2 client id (operator mode): call with (dict "release" name "job" name). */}}
{{- define "prometheus.oauth2ClientIdConfigMap" -}}
{{- printf "%s-%s-oauth2" .release .job | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* tlsConfig, basicAuth, authorization and oauth2 of a ScrapeJob (with releaseName set), as a YAML map of operator fields. */}}
{{- define "prometheus.operatorHttpClient" -}}
{{- $out := dict -}}
{{- with .tls -}}
{{- $tls := dict -}}
{{- with .caSecret }}{{ $_ := set $tls "ca" (dict "secret" (dict "name" .name "key" .key)) }}{{ end -}}
{{- with .certSecret }}{{ $_ := set $tls "cert" (dict "secret" (dict "name" .name "key" .key)) }}{{ end -}}
{{- with .keySecret }}{{ $_ := set $tls "keySecret" (dict "name" .name "key" .key) }}{{ end -}}
{{- with .serverName }}{{ $_ := set $tls "serverName" . }}{{ end -}}
{{- if hasKey . "insecureSkipVerify" }}{{ $_ := set $tls "insecureSkipVerify" .insecureSkipVerify }}{{ end -}}
{{- $_ := set $out "tlsConfig" $tls -}}
{{- end -}}
{{- with .basicAuth -}}
{{- $_ := set $out "basicAuth" (dict "username" (dict "name" .usernameSecret.name "key" .usernameSecret.key) "password" (dict "name" .passwordSecret.name "key" .passwordSecret.key)) -}}
{{- end -}}
{{- with .bearerTokenSecret -}}
{{- $_ := set $out "authorization" (dict "type" "Bearer" "credentials" (dict "name" .name "key" .key)) -}}
{{- end -}}
{{- with .oauth2 -}}
{{- /* The operator reads the client id from a Secret or ConfigMap: the chart's ConfigMap (monitors.yaml) holds it. */ -}}
{{- $oauth2 := dict "clientId" (dict "configMap" (dict "name" (include "prometheus.oauth2ClientIdConfigMap" (dict "release" $.releaseName "job" $.name)) "key" "clientId")) "clientSecret" (dict "name" .clientSecretSecret.name "key" .clientSecretSecret.key) "tokenUrl" .tokenUrl -}}
{{- with .scopes }}{{ $_ := set $oauth2 "scopes" . }}{{ end -}}
{{- with .endpointParams }}{{ $_ := set $oauth2 "endpointParams" . }}{{ end -}}
{{- $_ := set $out "oauth2" $oauth2 -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* The scrape settings every kind shares (path, scheme, timing, params, auth), with the given key names for interval and path. */}}
{{- define "prometheus.operatorScrapeSettings" -}}
{{- $job := .job -}}
{{- $out := include "prometheus.operatorHttpClient" $job | fromYaml -}}
{{- with $job.metricsPath }}{{ $_ := set $out $.pathKey . }}{{ end -}}
{{- with $job.scheme }}{{ $_ := set $out "scheme" . }}{{ end -}}
{{- with $job.interval }}{{ $_ := set $out $.intervalKey . }}{{ end -}}
{{- with $job.timeout }}{{ $_ := set $out "scrapeTimeout" . }}{{ end -}}
{{- with $job.params }}{{ $_ := set $out "params" . }}{{ end -}}
{{- if hasKey $job "honorLabels" }}{{ $_ := set $out "honorLabels" $job.honorLabels }}{{ end -}}
{{- with $job.metricRelabelings }}{{ $_ := set $out "metricRelabelings" . }}{{ end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* A ScrapeJob's scrape limits as the operator's spec fields (the same names on ServiceMonitor, PodMonitor and ScrapeConfig). */}}
{{- define "prometheus.operatorLimits" -}}
{{- $out := dict -}}
{{- range $key := list "sampleLimit" "labelLimit" "labelNameLengthLimit" "labelValueLengthLimit" "targetLimit" -}}
{{- if hasKey $ $key }}{{ $_ := set $out $key (get $ $key) }}{{ end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* Kind and spec of the object a ScrapeJob becomes, as YAML {kind, apiVersion, spec}. */}}
{{- define "prometheus.operatorObject" -}}
{{- $job := . -}}
{{- $k := $job.kubernetes | default dict -}}
{{- $role := $k.role | default "" -}}
{{- $namespaceSelector := ternary (dict "any" true) (dict "matchNames" $k.namespaces) (empty $k.namespaces) -}}
{{- /* The operator names the job after the object; set it back to the job's name. */ -}}
{{- $jobLabel := list (dict "targetLabel" "job" "replacement" $job.name) -}}
{{- if eq $role "pod" -}}
{{- $endpoint := include "prometheus.operatorScrapeSettings" (dict "job" $job "pathKey" "path" "intervalKey" "interval") | fromYaml -}}
{{- if hasKey $k "port" }}{{ $_ := set $endpoint (ternary "port" "portNumber" (kindIs "string" $k.port)) $k.port }}{{ end -}}
{{- $_ := set $endpoint "relabelings" (concat $jobLabel (list (dict "sourceLabels" (list "__meta_kubernetes_pod_node_name") "targetLabel" "node")) ($job.relabelings | default list)) -}}
{{- toYaml (dict "apiVersion" "monitoring.coreos.com/v1" "kind" "PodMonitor" "spec" (merge (dict
      "namespaceSelector" $namespaceSelector
      "selector" (dict "matchLabels" ($k.matchLabels | default dict))
      "podMetricsEndpoints" (list $endpoint)) (include "prometheus.operatorLimits" $job | fromYaml))) -}}
{{- else if has $role (list "endpoints" "endpointslice") -}}
{{- $endpoint := include "prometheus.operatorScrapeSettings" (dict "job" $job "pathKey" "path" "intervalKey" "interval") | fromYaml -}}
{{- if hasKey $k "port" }}{{ $_ := set $endpoint (ternary "port" "targetPort" (kindIs "string" $k.port)) $k.port }}{{ end -}}
{{- $_ := set $endpoint "relabelings" (concat $jobLabel (list (dict "sourceLabels" (list "__meta_kubernetes_pod_node_name") "targetLabel" "node")) ($job.relabelings | default list)) -}}
{{- $spec := dict
      "namespaceSelector" $namespaceSelector
      "selector" (dict "matchLabels" ($k.matchLabels | default dict))
      "endpoints" (list $endpoint) -}}
{{- if eq $role "endpointslice" }}{{ $_ := set $spec "serviceDiscoveryRole" "EndpointSlice" }}{{ end -}}
{{- toYaml (dict "apiVersion" "monitoring.coreos.com/v1" "kind" "ServiceMonitor" "spec" (merge $spec (include "prometheus.operatorLimits" $job | fromYaml))) -}}
{{- else -}}
{{- /* Static targets, and the roles ServiceMonitor and PodMonitor cannot express: a ScrapeConfig. */ -}}
{{- $spec := include "prometheus.operatorScrapeSettings" (dict "job" $job "pathKey" "metricsPath" "intervalKey" "scrapeInterval") | fromYaml -}}
{{- $_ := set $spec "jobName" $job.name -}}
{{- with $job.static -}}
{{- $_ := set $spec "staticConfigs" (include "prometheus.staticGroups" . | fromYamlArray) -}}
{{- end -}}
{{- $relabelings := $job.relabelings | default list -}}
{{- with $job.kubernetes -}}
{{- $role := .role | title -}}
{{- $sd := dict "role" $role -}}
{{- with .namespaces }}{{ $_ := set $sd "namespaces" (dict "names" .) }}{{ end -}}
{{- with .matchLabels -}}
{{- $pairs := list -}}
{{- range $name, $value := . }}{{ $pairs = append $pairs (printf "%s=%s" $name $value) }}{{ end -}}
{{- $_ := set $sd "selectors" (list (dict "role" $role "label" (join "," $pairs))) -}}
{{- end -}}
{{- $_ := set $spec "kubernetesSDConfigs" (list $sd) -}}
{{- /* The same port filter and target labels as the standalone job. */ -}}
{{- $relabelings = concat (include "prometheus.kubernetesRelabelings" $job | fromYamlArray) $relabelings -}}
{{- end -}}
{{- with $relabelings }}{{ $_ := set $spec "relabelings" . }}{{ end -}}
{{- toYaml (dict "apiVersion" "monitoring.coreos.com/v1alpha1" "kind" "ScrapeConfig" "spec" (merge $spec (include "prometheus.operatorLimits" $job | fromYaml))) -}}
{{- end -}}
{{- end -}}
