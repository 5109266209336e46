{{/* <release>-node-exporter and <release>-kube-state-metrics, cut to 63 characters. */}}
{{- define "exporters.nodeExporter.fullname" -}}
{{- include "promstack.fullname" (dict "Chart" .Chart "Release" .Release "name" "node-exporter") -}}
{{- end -}}

{{- define "exporters.kubeStateMetrics.fullname" -}}
{{- include "promstack.fullname" (dict "Chart" .Chart "Release" .Release "name" "kube-state-metrics") -}}
{{- end -}}

{{/*
The resources kube-state-metrics lists and watches, by API group: its default resources at
the pinned version (v2.17: pkg/options/resource.go) except secrets, which only
kubeStateMetrics.secretMetrics adds. The ClusterRole grants exactly these and --resources
names exactly these, so it never watches what it may not read.
*/}}
{{- define "exporters.kubeStateMetrics.resourcesByGroup" -}}
{{- $core := list "configmaps" "endpoints" "limitranges" "namespaces" "nodes" "persistentvolumeclaims" "persistentvolumes" "pods" "replicationcontrollers" "resourcequotas" "services" -}}
{{- if .Values.kubeStateMetrics.secretMetrics }}{{ $core = append $core "secrets" }}{{ end -}}
{{- toYaml (dict
  "" $core
  "apps" (list "daemonsets" "deployments" "replicasets" "statefulsets")
  "batch" (list "cronjobs" "jobs")
  "autoscaling" (list "horizontalpodautoscalers")
  "policy" (list "poddisruptionbudgets")
  "certificates.k8s.io" (list "certificatesigningrequests")
  "coordination.k8s.io" (list "leases")
  "storage.k8s.io" (list "storageclasses" "volumeattachments")
  "admissionregistration.k8s.io" (list "mutatingwebhookconfigurations" "validatingwebhookconfigurations")
  "networking.k8s.io" (list "ingresses" "networkpolicies")) -}}
{{- end -}}

{{/* <release>-<name> for any exporter: call with (dict "ctx" $ "name" "postgres-exporter") */}}
{{- define "exporters.fullname" -}}
{{- include "promstack.fullname" (dict "Chart" .ctx.Chart "Release" .ctx.Release "name" .name) -}}
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

{{/*
The pod and container fields every exporter Deployment shares (pull secrets, restricted
security context, affinity, scheduling): call with (dict "ctx" $ "values" .Values.x "component" "x")
*/}}
{{- define "exporters.podSpecCommon" -}}
automountServiceAccountToken: false
{{- include "promstack.podCommon" .ctx }}
securityContext:
  {{- include "promstack.podSecurityContext" (dict) | nindent 2 }}
affinity:
  {{- include "promstack.affinity" (dict "ctx" .ctx "scheduling" .values.scheduling "component" .component "antiAffinity" "none") | nindent 2 }}
{{- include "promstack.scheduling" (dict "ctx" .ctx "scheduling" .values.scheduling "component" .component) }}
{{- end -}}

{{/* A Service exposing an exporter's metrics port, marked for scraping: (dict "ctx" $ "component" "x" "image" .Values.x.image "port" 9187) */}}
{{- define "exporters.service" -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "exporters.fullname" (dict "ctx" .ctx "name" .component) }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "exporters.labels" (dict "ctx" .ctx "component" .component "image" .image) | nindent 4 }}
    promstack.dev/scrape: "true"
spec:
  selector:
    {{- include "promstack.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
  ports:
    - name: metrics
      port: {{ .port }}
      targetPort: metrics
      protocol: TCP
{{- end -}}
