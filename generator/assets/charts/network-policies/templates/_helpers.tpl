{{/*
This subchart cannot see the other subcharts' values, so it selects pods by the label
conventions every promstack subchart follows: app.kubernetes.io/name is the component
(prometheus, alertmanager, grafana, kube-state-metrics, node-exporter, alert-receiver) and
app.kubernetes.io/instance is the release.
*/}}

{{/* <release>-<name>, cut to 63 characters: call with (dict "ctx" $ "name" "x") */}}
{{- define "networkPolicies.name" -}}
{{- include "promstack.fullname" (dict "Chart" .ctx.Chart "Release" .ctx.Release "name" .name) -}}
{{- end -}}

{{/* Selector of one component's pods of this release: call with (dict "ctx" $ "component" "x") */}}
{{- define "networkPolicies.podSelector" -}}
matchLabels:
  app.kubernetes.io/name: {{ .component }}
  app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- end -}}

{{/* A from-peer: one component's pods in the release namespace. */}}
{{- define "networkPolicies.fromPods" -}}
- podSelector:
    {{- include "networkPolicies.podSelector" . | nindent 4 }}
{{- end -}}

{{/* A from-peer: every pod of the namespaces in allowIngressFromNamespaces (nothing when empty). */}}
{{- define "networkPolicies.fromNamespaces" -}}
{{- with .Values.allowIngressFromNamespaces -}}
- namespaceSelector:
    matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: In
        values: {{ toJson . }}
{{- end -}}
{{- end -}}

{{/* Labels of a NetworkPolicy object. */}}
{{- define "networkPolicies.labels" -}}
{{- include "promstack.labels" (dict "ctx" . "component" "network-policies") -}}
{{- end -}}
