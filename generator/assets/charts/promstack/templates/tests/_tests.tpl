{{/*
Shared parts of the `helm test` pods. They pass the Pod Security Standard "restricted" like
every other pod of the chart, and run where the profile's architectures allow, from the
images the release already pulls, with the tools their components ship (promtool, amtool).
*/}}

{{/* <release>-<subchart>: the name promstack.fullname gives inside that subchart. */}}
{{- define "promstack.tests.serviceName" -}}
{{- include "promstack.fullname" (dict "Release" .ctx.Release "Chart" .ctx.Chart "name" .subchart) -}}
{{- end -}}

{{/* Metadata of a test pod: call with (dict "ctx" $ "name" "x") */}}
{{- define "promstack.tests.metadata" -}}
name: {{ include "promstack.fullname" (dict "Release" .ctx.Release "Chart" .ctx.Chart "name" (printf "test-%s" .name)) }}
namespace: {{ .ctx.Release.Namespace }}
labels:
  {{- include "promstack.labels" (dict "ctx" .ctx "component" "test") | nindent 2 }}
annotations:
  helm.sh/hook: test
  # Kept when it fails, for `kubectl logs`; replaced by the next `helm test`.
  helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end -}}

{{/* Pod spec fields every test pod shares. */}}
{{- define "promstack.tests.podSpec" -}}
restartPolicy: Never
automountServiceAccountToken: false
{{- include "promstack.podCommon" . }}
securityContext:
  {{- include "promstack.podSecurityContext" (dict) | nindent 2 }}
affinity:
  {{- include "promstack.archAffinity" . | nindent 2 }}
{{- end -}}

{{/* Container fields every test container shares. */}}
{{- define "promstack.tests.container" -}}
command: ["/bin/sh", "-c"]
resources:
  requests: { cpu: 10m, memory: 32Mi, ephemeral-storage: 16Mi }
  limits: { memory: 64Mi, ephemeral-storage: 64Mi }
securityContext:
  {{- include "promstack.containerSecurityContext" . | nindent 2 }}
{{- end -}}
