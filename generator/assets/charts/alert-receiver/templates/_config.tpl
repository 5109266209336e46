{{/* The receiver's config.json (schema: receiver/config.schema.json), built as data. */}}
{{- define "alert-receiver.config" -}}
{{- $config := dict
      "listen" (dict "host" "0.0.0.0" "port" 8080)
      "maxBodyBytes" .Values.maxBodyBytes
      "requestTimeoutMs" .Values.requestTimeoutMs
      "shutdownTimeoutMs" .Values.shutdownTimeoutMs -}}
{{- with .Values.routes }}{{ $_ := set $config "routes" . }}{{ end -}}
{{- with include "alert-receiver.token" . | fromJson }}{{ $_ := set $config "tokenFile" (printf "/var/run/secrets/alert-receiver/%s" .key) }}{{ end -}}
{{- toPrettyJson $config -}}
{{- end -}}

{{/* The chart's token Secret, <release>-alert-receiver-token (alertmanager's _config.tpl names it the same way). */}}
{{- define "alert-receiver.tokenSecretName" -}}
{{- printf "%s-alert-receiver-token" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The Secret key the receiver checks requests against, as JSON ({} when requireToken is false). */}}
{{- define "alert-receiver.token" -}}
{{- if .Values.requireToken -}}
{{- .Values.tokenSecret | default (dict "name" (include "alert-receiver.tokenSecretName" .) "key" "token") | toJson -}}
{{- else -}}
{}
{{- end -}}
{{- end -}}
