{{/* The receiver's config.json (schema: receiver/config.schema.json), built as data. */}}
{{- define "alert-receiver.config" -}}
{{- $config := dict
      "listen" (dict "host" "0.0.0.0" "port" 8080)
      "maxBodyBytes" .Values.maxBodyBytes
      "requestTimeoutMs" .Values.requestTimeoutMs
      "shutdownTimeoutMs" .Values.shutdownTimeoutMs -}}
{{- with .Values.routes }}{{ $_ := set $config "routes" . }}{{ end -}}
{{- with .Values.tokenSecret }}{{ $_ := set $config "tokenFile" (printf "/var/run/secrets/alert-receiver/%s" .key) }}{{ end -}}
{{- toPrettyJson $config -}}
{{- end -}}
