{{- /*
One policy per component: what may reach it (ingress) and where it may connect (egress),
beyond DNS. Each path is listed in the chart README ("Network policies"). Each is a named
template called with this subchart's context: the umbrella chart renders the policies of the
components the release runs (templates/network-policies.yaml), which this subchart cannot see.
*/ -}}

{{- define "networkPolicies.policy.default-deny" -}}
# Every pod of this release in the release namespace accepts no connection and opens none
# that a policy below does not allow. Connections between a pod and its own node (kubelet
# probes) always pass; node-exporter uses the host network, where most network plugins do
# not apply NetworkPolicy at all.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "networkPolicies.name" (dict "ctx" $ "name" "default-deny") }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "networkPolicies.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
  policyTypes: ["Ingress", "Egress"]
{{- end -}}

{{- define "networkPolicies.policy.allow-dns" -}}
# Every pod may resolve names: port 53 over UDP and TCP (large answers fall back to TCP).
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "networkPolicies.name" (dict "ctx" $ "name" "allow-dns") }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "networkPolicies.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
  policyTypes: ["Egress"]
  egress:
    {{- $rule := include "networkPolicies.egressRule" (dict "cidrs" .Values.dns.cidrs "namespaces" .Values.dns.namespaces) | fromYamlArray | first }}
    {{- $_ := set $rule "ports" (list (dict "port" 53 "protocol" "UDP") (dict "port" 53 "protocol" "TCP")) }}
    {{- toYaml (list $rule) | nindent 4 }}
{{- end -}}

{{- define "networkPolicies.policy.prometheus" -}}
# Prometheus: serves its UI and API on 9090 to Grafana and the listed namespaces (an ingress
# controller). Sends alerts to every Alertmanager on 9093; scrapes the stack's components on
# their metrics ports, node-exporter on the nodes' addresses, and the further scrapeTargets;
# asks the Kubernetes API for its targets. With the Thanos sidecar: serves the Store API on
# 10901 to thanosStoreApiClients, and uploads blocks to objectStorageEgress.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "networkPolicies.name" (dict "ctx" $ "name" "prometheus") }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "networkPolicies.labels" . | nindent 4 }}
spec:
  podSelector:
    {{- include "networkPolicies.podSelector" (dict "ctx" $ "component" "prometheus") | nindent 4 }}
  policyTypes: ["Ingress", "Egress"]
  ingress:
    - ports:
        - { port: 9090, protocol: TCP }
      from:
        {{- include "networkPolicies.fromPods" (dict "ctx" $ "component" "grafana") | nindent 8 }}
        {{- if .Values.prometheusScrapesItself }}
        {{- include "networkPolicies.fromPods" (dict "ctx" $ "component" "prometheus") | nindent 8 }}
        {{- end }}
        {{- with include "networkPolicies.fromNamespaces" . }}{{ . | nindent 8 }}{{ end }}
    {{- if (.Values.thanosSidecar | default dict).enabled }}
    {{- with include "networkPolicies.fromPeers" .Values.thanosStoreApiClients }}
    - ports:
        - { port: 10901, protocol: TCP }
      from:
        {{- . | nindent 8 }}
    {{- end }}
    {{- end }}
  egress:
    {{- if (.Values.thanosSidecar | default dict).uploads }}
    {{- with .Values.objectStorageEgress }}{{ include "networkPolicies.egressRules" . | nindent 4 }}{{ end }}
    {{- end }}
    {{- if .Values.prometheusScrapesItself }}
    - ports:
        - { port: 9090, protocol: TCP }
      to:
        {{- include "networkPolicies.toPods" (dict "ctx" $ "component" "prometheus") | nindent 8 }}
    {{- end }}
    - ports:
        - { port: 9093, protocol: TCP }
      to:
        {{- include "networkPolicies.toPods" (dict "ctx" $ "component" "alertmanager") | nindent 8 }}
    {{- range $component, $port := dict "grafana" 3000 "alert-receiver" 8080 "kube-state-metrics" 8080 "postgres-exporter" 9187 "redis-exporter" 9121 "blackbox-exporter" 9115 }}
    - ports:
        - { port: {{ $port }}, protocol: TCP }
      to:
        {{- include "networkPolicies.toPods" (dict "ctx" $ "component" $component) | nindent 8 }}
    {{- end }}
    {{- include "networkPolicies.egressRule" .Values.nodeExporter | nindent 4 }}
    {{- include "networkPolicies.egressRule" .Values.kubernetesApi | nindent 4 }}
    {{- with .Values.scrapeTargets }}{{ include "networkPolicies.egressRules" . | nindent 4 }}{{ end }}
{{- end -}}

{{- define "networkPolicies.policy.prometheus-operator" -}}
# The Prometheus Operator (prometheus.operator.deploy): talks to the Kubernetes API only;
# accepts nothing (its metrics port is not scraped by the chart).
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "networkPolicies.name" (dict "ctx" $ "name" "prometheus-operator") }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "networkPolicies.labels" . | nindent 4 }}
spec:
  podSelector:
    {{- include "networkPolicies.podSelector" (dict "ctx" $ "component" "prometheus-operator") | nindent 4 }}
  policyTypes: ["Ingress", "Egress"]
  egress:
    {{- include "networkPolicies.egressRule" .Values.kubernetesApi | nindent 4 }}
{{- end -}}

{{- define "networkPolicies.policy.alertmanager" -}}
# Alertmanager: receives alerts (and scrapes) on 9093 from Prometheus, the listed namespaces,
# and Grafana when grafanaToAlertmanager is set. The replicas gossip with each other on 9094
# over TCP and UDP, in both directions. Both protocols: with TCP alone the memberlist probes
# over UDP fail, and peers flap between alive and suspect. Notifications go to the alert
# receiver (8080) and to alertmanagerEgress (HTTPS and SMTP submission by default).
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "networkPolicies.name" (dict "ctx" $ "name" "alertmanager") }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "networkPolicies.labels" . | nindent 4 }}
spec:
  podSelector:
    {{- include "networkPolicies.podSelector" (dict "ctx" $ "component" "alertmanager") | nindent 4 }}
  policyTypes: ["Ingress", "Egress"]
  ingress:
    - ports:
        - { port: 9093, protocol: TCP }
      from:
        {{- include "networkPolicies.fromPrometheus" . | nindent 8 }}
        {{- if .Values.grafanaToAlertmanager }}
        {{- include "networkPolicies.fromPods" (dict "ctx" $ "component" "grafana") | nindent 8 }}
        {{- end }}
        {{- with include "networkPolicies.fromNamespaces" . }}{{ . | nindent 8 }}{{ end }}
    - ports:
        - { port: 9094, protocol: TCP }
        - { port: 9094, protocol: UDP }
      from:
        {{- include "networkPolicies.fromPods" (dict "ctx" $ "component" "alertmanager") | nindent 8 }}
  egress:
    - ports:
        - { port: 9094, protocol: TCP }
        - { port: 9094, protocol: UDP }
      to:
        {{- include "networkPolicies.toPods" (dict "ctx" $ "component" "alertmanager") | nindent 8 }}
    - ports:
        - { port: 8080, protocol: TCP }
      to:
        {{- include "networkPolicies.toPods" (dict "ctx" $ "component" "alert-receiver") | nindent 8 }}
    {{- with .Values.alertmanagerEgress }}{{ include "networkPolicies.egressRules" . | nindent 4 }}{{ end }}
{{- end -}}

{{- define "networkPolicies.policy.grafana" -}}
# Grafana: serves 3000 to the listed namespaces, and its /metrics to the scrapers. Queries
# Prometheus on 9090, Alertmanager on 9093 when grafanaToAlertmanager is set, and grafanaEgress.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "networkPolicies.name" (dict "ctx" $ "name" "grafana") }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "networkPolicies.labels" . | nindent 4 }}
spec:
  podSelector:
    {{- include "networkPolicies.podSelector" (dict "ctx" $ "component" "grafana") | nindent 4 }}
  policyTypes: ["Ingress", "Egress"]
  ingress:
    - ports:
        - { port: 3000, protocol: TCP }
      from:
        {{- include "networkPolicies.fromPrometheus" . | nindent 8 }}
        {{- with include "networkPolicies.fromNamespaces" . }}{{ . | nindent 8 }}{{ end }}
  egress:
    - ports:
        - { port: 9090, protocol: TCP }
      to:
        {{- include "networkPolicies.toPods" (dict "ctx" $ "component" "prometheus") | nindent 8 }}
    {{- if .Values.grafanaToAlertmanager }}
    - ports:
        - { port: 9093, protocol: TCP }
      to:
        {{- include "networkPolicies.toPods" (dict "ctx" $ "component" "alertmanager") | nindent 8 }}
    {{- end }}
    {{- with .Values.grafanaEgress }}{{ include "networkPolicies.egressRules" . | nindent 4 }}{{ end }}
{{- end -}}

{{- define "networkPolicies.policy.alert-receiver" -}}
# The alert receiver (8080): Alertmanager delivers webhooks to it, and the scrapers read the
# /metrics it serves on the same port. It connects nowhere.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "networkPolicies.name" (dict "ctx" $ "name" "alert-receiver") }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "networkPolicies.labels" . | nindent 4 }}
spec:
  podSelector:
    {{- include "networkPolicies.podSelector" (dict "ctx" $ "component" "alert-receiver") | nindent 4 }}
  policyTypes: ["Ingress", "Egress"]
  ingress:
    - ports:
        - { port: 8080, protocol: TCP }
      from:
        {{- include "networkPolicies.fromPods" (dict "ctx" $ "component" "alertmanager") | nindent 8 }}
        {{- include "networkPolicies.fromPrometheus" . | nindent 8 }}
  egress: []
{{- end -}}

{{- define "networkPolicies.policy.kube-state-metrics" -}}
# kube-state-metrics: the scrapers read 8080 (the telemetry port 8081 is only probed by the
# kubelet); it watches the Kubernetes API.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "networkPolicies.name" (dict "ctx" $ "name" "kube-state-metrics") }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "networkPolicies.labels" . | nindent 4 }}
spec:
  podSelector:
    {{- include "networkPolicies.podSelector" (dict "ctx" $ "component" "kube-state-metrics") | nindent 4 }}
  policyTypes: ["Ingress", "Egress"]
  ingress:
    - ports:
        - { port: 8080, protocol: TCP }
      from:
        {{- include "networkPolicies.fromPrometheus" . | nindent 8 }}
  egress:
    {{- include "networkPolicies.egressRule" .Values.kubernetesApi | nindent 4 }}
{{- end -}}

{{- define "networkPolicies.policy.node-exporter" -}}
# node-exporter shares the host's network namespace, where most network plugins do not apply
# NetworkPolicy (Kubernetes leaves it undefined). Where one does and node-exporter runs in
# the release namespace, this keeps the scrapers able to reach it; its port belongs to another
# subchart, so every port of these pods is open, to the scrapers only. It connects nowhere.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "networkPolicies.name" (dict "ctx" $ "name" "node-exporter") }}
  namespace: {{ $.Release.Namespace }}
  labels:
    {{- include "networkPolicies.labels" . | nindent 4 }}
spec:
  podSelector:
    {{- include "networkPolicies.podSelector" (dict "ctx" $ "component" "node-exporter") | nindent 4 }}
  policyTypes: ["Ingress", "Egress"]
  ingress:
    - from:
        {{- include "networkPolicies.fromPrometheus" . | nindent 8 }}
  egress: []
{{- end -}}

{{/* An exporter that watches something outside the stack: (dict "ctx" $ "component" "x" "port" 9187 "egress" <NetworkTargets> "what" "its server") */}}
{{- define "networkPolicies.exporterPolicy" -}}
# {{ .component }}: the scrapers read {{ .port }}; it connects to its {{ .what }} (exporterEgress).
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "networkPolicies.name" (dict "ctx" .ctx "name" .component) }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "networkPolicies.labels" .ctx | nindent 4 }}
spec:
  podSelector:
    {{- include "networkPolicies.podSelector" (dict "ctx" .ctx "component" .component) | nindent 4 }}
  policyTypes: ["Ingress", "Egress"]
  ingress:
    - ports:
        - { port: {{ .port }}, protocol: TCP }
      from:
        {{- include "networkPolicies.fromPrometheus" .ctx | nindent 8 }}
  egress:
    {{- with .egress }}{{ include "networkPolicies.egressRules" . | nindent 4 }}{{ else }} []{{ end }}
{{- end -}}

{{- define "networkPolicies.policy.postgres-exporter" -}}
{{- include "networkPolicies.exporterPolicy" (dict "ctx" . "component" "postgres-exporter" "port" 9187 "egress" .Values.exporterEgress.postgres "what" "PostgreSQL server") -}}
{{- end -}}

{{- define "networkPolicies.policy.redis-exporter" -}}
{{- include "networkPolicies.exporterPolicy" (dict "ctx" . "component" "redis-exporter" "port" 9121 "egress" .Values.exporterEgress.redis "what" "Redis server") -}}
{{- end -}}

{{- define "networkPolicies.policy.blackbox-exporter" -}}
{{- include "networkPolicies.exporterPolicy" (dict "ctx" . "component" "blackbox-exporter" "port" 9115 "egress" .Values.exporterEgress.blackbox "what" "probe targets") -}}
{{- end -}}
