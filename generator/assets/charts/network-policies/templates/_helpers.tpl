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

{{/* A from-peer: the existing Prometheus of operator mode (nothing when externalPrometheus is unset). */}}
{{- define "networkPolicies.fromExternalPrometheus" -}}
{{- include "networkPolicies.fromPeers" .Values.externalPrometheus -}}
{{- end -}}

{{/* A from-peer from a PodPeers value {namespaces, podLabels}; nothing when both are empty (an empty from would admit everyone). */}}
{{- define "networkPolicies.fromPeers" -}}
{{- with . -}}
{{- if or .namespaces .podLabels -}}
- {{- if .namespaces }}
  namespaceSelector:
    matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: In
        values: {{ toJson .namespaces }}
  {{- end }}
  podSelector:
    matchLabels: {{ toJson (.podLabels | default dict) }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Every scraper: this release's Prometheus, and the external one in operator mode. */}}
{{- define "networkPolicies.fromPrometheus" -}}
{{- include "networkPolicies.fromPods" (dict "ctx" . "component" "prometheus") }}
{{- with include "networkPolicies.fromExternalPrometheus" . }}
{{ . }}
{{- end -}}
{{- end -}}

{{/* A to-peer: one component's pods in the release namespace. */}}
{{- define "networkPolicies.toPods" -}}
{{- include "networkPolicies.fromPods" . -}}
{{- end -}}

{{/*
One egress rule from a NetworkTarget: to its cidrs and namespaces (anywhere when it has
neither), on its TCP ports (every port when it has none).
*/}}
{{- define "networkPolicies.egressRule" -}}
{{- $rule := dict -}}
{{- $to := list -}}
{{- range .cidrs }}{{ $to = append $to (dict "ipBlock" (dict "cidr" .)) }}{{ end -}}
{{- with .namespaces }}{{ $to = append $to (dict "namespaceSelector" (dict "matchExpressions" (list (dict "key" "kubernetes.io/metadata.name" "operator" "In" "values" .)))) }}{{ end -}}
{{- with $to }}{{ $_ := set $rule "to" . }}{{ end -}}
{{- $ports := list -}}
{{- range .ports }}{{ $ports = append $ports (dict "port" . "protocol" "TCP") }}{{ end -}}
{{- with $ports }}{{ $_ := set $rule "ports" . }}{{ end -}}
{{- toYaml (list $rule) -}}
{{- end -}}

{{/* Egress rules from a list of NetworkTargets. */}}
{{- define "networkPolicies.egressRules" -}}
{{- $rules := list -}}
{{- range . }}{{ $rules = concat $rules (include "networkPolicies.egressRule" . | fromYamlArray) }}{{ end -}}
{{- toYaml $rules -}}
{{- end -}}

{{/* Labels of a NetworkPolicy object. */}}
{{- define "networkPolicies.labels" -}}
{{- include "promstack.labels" (dict "ctx" . "component" "network-policies") -}}
{{- end -}}
