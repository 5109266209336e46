{{/*
Grafana data source provisioning, built as data and serialised with toYaml. The stack's
Prometheus is the default data source, with the fixed uid "prometheus" so dashboards can
refer to it.
*/}}
{{- define "grafana.prometheusUrl" -}}
{{- .Values.prometheusUrl | default (printf "http://%s.%s.svc:9090" (include "promstack.fullname" (dict "Chart" (dict "Name" "prometheus") "Release" .Release)) .Release.Namespace) -}}
{{- end -}}

{{- define "grafana.datasources" -}}
{{- $prometheus := dict
      "name" "Prometheus"
      "type" "prometheus"
      "uid" "prometheus"
      "access" "proxy"
      "url" (include "grafana.prometheusUrl" .)
      "isDefault" true
      "editable" false
      "jsonData" (dict "httpMethod" "POST") -}}
{{- toYaml (dict "apiVersion" 1 "datasources" (list $prometheus)) -}}
{{- end -}}
