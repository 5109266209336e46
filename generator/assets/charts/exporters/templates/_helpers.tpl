{{/* <release>-node-exporter and <release>-kube-state-metrics, cut to 63 characters. */}}
{{- define "exporters.nodeExporter.fullname" -}}
{{- include "promstack.fullname" (dict "Chart" .Chart "Release" .Release "name" "node-exporter") -}}
{{- end -}}

{{- define "exporters.kubeStateMetrics.fullname" -}}
{{- include "promstack.fullname" (dict "Chart" .Chart "Release" .Release "name" "kube-state-metrics") -}}
{{- end -}}

{{/* Namespace of node-exporter: its own (it needs the privileged Pod Security level), or the release's. */}}
{{- define "exporters.nodeExporter.namespace" -}}
{{- .Values.nodeExporter.namespace | default .Release.Namespace -}}
{{- end -}}

{{/*
promstack.labels for one exporter, with app.kubernetes.io/version from that exporter's own
image tag (the subchart's appVersion is node-exporter's): call with
(dict "ctx" $ "component" "x" "image" .Values.x.image)
*/}}
{{- define "exporters.labels" -}}
{{- $chart := dict "Name" .ctx.Chart.Name "Version" .ctx.Chart.Version "AppVersion" (.image.tag | trimPrefix "v" | trunc 63 | trimSuffix "-") -}}
{{- $ctx := dict "Chart" $chart "Release" .ctx.Release "Values" .ctx.Values -}}
{{- include "promstack.labels" (dict "ctx" $ctx "component" .component) -}}
{{- end -}}
