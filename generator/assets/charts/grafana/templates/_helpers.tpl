{{/*
Helpers of the grafana subchart. Provisioning files are built as data and serialised with
toYaml; the dashboards are JSON files the generator wrote into dashboards/.
*/}}

{{/* The Prometheus Grafana queries: the configured URL, or this release's Prometheus Service. */}}
{{- define "grafana.prometheusUrl" -}}
{{- .Values.datasources.prometheus.url | default (printf "http://%s.%s.svc:9090" (include "promstack.fullname" (dict "Chart" (dict "Name" "prometheus") "Release" .Release)) .Release.Namespace) -}}
{{- end -}}

{{/* The Alertmanager of the optional data source: the configured URL, or this release's Alertmanager Service. */}}
{{- define "grafana.alertmanagerUrl" -}}
{{- .Values.datasources.alertmanager.url | default (printf "http://%s.%s.svc:9093" (include "promstack.fullname" (dict "Chart" (dict "Name" "alertmanager") "Release" .Release)) .Release.Namespace) -}}
{{- end -}}

{{/* datasources.yaml: the stack's Prometheus as the default data source, Alertmanager optionally. */}}
{{- define "grafana.datasources" -}}
{{- $prometheus := .Values.datasources.prometheus -}}
{{- $datasources := list (dict
      "name" "Prometheus"
      "type" "prometheus"
      "uid" $prometheus.uid
      "access" "proxy"
      "url" (include "grafana.prometheusUrl" .)
      "isDefault" true
      "editable" false
      "jsonData" (dict "httpMethod" "POST" "prometheusType" "Prometheus" "timeInterval" $prometheus.scrapeInterval)) -}}
{{- $alertmanager := .Values.datasources.alertmanager -}}
{{- if $alertmanager.enabled -}}
{{- $datasources = append $datasources (dict
      "name" "Alertmanager"
      "type" "alertmanager"
      "uid" $alertmanager.uid
      "access" "proxy"
      "url" (include "grafana.alertmanagerUrl" .)
      "editable" false
      "jsonData" (dict "implementation" "prometheus" "handleGrafanaManagedAlerts" false)) -}}
{{- end -}}
{{- toYaml (dict "apiVersion" 1 "datasources" $datasources) -}}
{{- end -}}

{{/* dashboards.yaml: Grafana loads every JSON file of the mounted dashboard ConfigMaps. */}}
{{- define "grafana.dashboardProviders" -}}
{{- $provider := dict
      "name" "promstack"
      "orgId" 1
      "folder" "Promstack"
      "type" "file"
      "disableDeletion" true
      "allowUiUpdates" false
      "updateIntervalSeconds" 30
      "options" (dict "path" "/etc/grafana/dashboards") -}}
{{- toYaml (dict "apiVersion" 1 "providers" (list $provider)) -}}
{{- end -}}

{{/*
The dashboard ConfigMaps this Grafana mounts, as a JSON list of {name, optional}: the enabled
general dashboards (optional, because the umbrella chart renders only those whose component
runs), the ConfigMaps of the user's JSON dashboards, and the user's existing ConfigMaps.
*/}}
{{- define "grafana.mountedDashboards" -}}
{{- $mounts := list -}}
{{- range $name, $dashboard := .Values.dashboards }}
{{- if $dashboard.enabled }}{{ $mounts = append $mounts (dict "name" (include "grafana.dashboardConfigMapName" (dict "ctx" $ "name" $name)) "optional" true) }}{{ end }}
{{- end }}
{{- range $name, $dashboard := .Values.userDashboards }}
{{- $mounts = append $mounts (dict "name" ($dashboard.existingConfigMap | default (include "grafana.dashboardConfigMapName" (dict "ctx" $ "name" $name "user" true))) "optional" false) }}
{{- end }}
{{- toJson $mounts -}}
{{- end -}}

{{/*
Name of a dashboard's ConfigMap: call with (dict "ctx" $ "name" "nodes"), and "user" true for
grafana.userDashboards.<name>.
*/}}
{{- define "grafana.dashboardConfigMapName" -}}
{{- $dashboard := get (ternary .ctx.Values.userDashboards .ctx.Values.dashboards (.user | default false)) .name -}}
{{- with $dashboard.configMapName -}}{{ . }}{{- else -}}
{{- printf "%s-dashboard-%s" (include "promstack.fullname" .ctx) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
One dashboard's ConfigMap, labelled grafana_dashboard: "1": this chart's Grafana mounts it and
the dashboard sidecar of an existing Grafana finds it by the label. Call with (dict "ctx" $
"name" name "json" text "user" bool); the grafana subchart's context, also from the umbrella.
*/}}
{{- define "grafana.dashboardConfigMap" -}}
{{- $ctx := .ctx -}}
{{- $dashboard := get (ternary $ctx.Values.userDashboards $ctx.Values.dashboards (.user | default false)) .name -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "grafana.dashboardConfigMapName" . }}
  namespace: {{ $ctx.Values.dashboardConfigMaps.namespace | default $ctx.Release.Namespace | quote }}
  labels:
    {{- include "promstack.labels" (dict "ctx" $ctx "component" "grafana") | nindent 4 }}
    {{- with $ctx.Values.dashboardConfigMaps.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    grafana_dashboard: "1"
  {{- with $ctx.Values.dashboardConfigMaps.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
data:
  {{ $dashboard.fileName | default (printf "%s.json" .name) | quote }}: |-
    {{- .json | trim | nindent 4 }}
{{- end -}}

{{/* The Secret holding the admin credentials. */}}
{{- define "grafana.adminSecretName" -}}
{{- .Values.admin.existingSecret | default (printf "%s-admin" (include "promstack.fullname" .)) -}}
{{- end -}}

{{/*
Grafana's root URL when its Ingress is on: links in the UI, redirects and OAuth callbacks
need the public address. Empty when the Ingress is off or extraEnv sets GF_SERVER_ROOT_URL.
*/}}
{{- define "grafana.rootUrl" -}}
{{- $ingress := .Values.ingress -}}
{{- $explicit := false -}}
{{- range .Values.extraEnv }}{{ if eq .name "GF_SERVER_ROOT_URL" }}{{ $explicit = true }}{{ end }}{{ end -}}
{{- if and $ingress.enabled $ingress.host (not $explicit) -}}
{{- printf "%s://%s%s" (ternary "https" "http" (($ingress.tls).enabled | default false)) $ingress.host (trimSuffix "/" ($ingress.path | default "/")) -}}/
{{- end -}}
{{- end -}}
