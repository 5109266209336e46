{{/*
alertmanager.yml, built as data from the typed values and serialised with toYaml.
Credentials never appear here: they are Secret keys mounted as files and referenced
through *_file fields with absolute paths.
*/}}

{{/* One route node (recursive): camelCase values to Alertmanager's snake_case. */}}
{{- define "alertmanager.route" -}}
{{- $out := dict -}}
{{- with .receiver }}{{ $_ := set $out "receiver" . }}{{ end -}}
{{- with .matchers }}{{ $_ := set $out "matchers" . }}{{ end -}}
{{- if hasKey . "continue" }}{{ $_ := set $out "continue" .continue }}{{ end -}}
{{- with .groupBy }}{{ $_ := set $out "group_by" . }}{{ end -}}
{{- with .groupWait }}{{ $_ := set $out "group_wait" . }}{{ end -}}
{{- with .groupInterval }}{{ $_ := set $out "group_interval" . }}{{ end -}}
{{- with .repeatInterval }}{{ $_ := set $out "repeat_interval" . }}{{ end -}}
{{- with .routes -}}
{{- $children := list -}}
{{- range . }}{{ $children = append $children (include "alertmanager.route" . | fromYaml) }}{{ end -}}
{{- $_ := set $out "routes" $children -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* Absolute path where a SecretKeyRef is mounted. */}}
{{- define "alertmanager.secretPath" -}}
{{- printf "/etc/alertmanager/secrets/%s/%s" .name .key -}}
{{- end -}}

{{- define "alertmanager.config" -}}
{{- $receivers := list -}}
{{- range $name, $receiver := .Values.receivers -}}
{{- $out := dict "name" $name -}}
{{- with $receiver.webhook -}}
{{- $webhooks := list -}}
{{- range . -}}
{{- $hook := dict "send_resolved" (ternary .sendResolved true (hasKey . "sendResolved")) -}}
{{- if .url }}{{ $_ := set $hook "url" .url }}{{ else }}{{ $_ := set $hook "url_file" (include "alertmanager.secretPath" .urlSecret) }}{{ end -}}
{{- if hasKey . "maxAlerts" }}{{ $_ := set $hook "max_alerts" .maxAlerts }}{{ end -}}
{{- with .bearerTokenSecret }}{{ $_ := set $hook "http_config" (dict "authorization" (dict "type" "Bearer" "credentials_file" (include "alertmanager.secretPath" .))) }}{{ end -}}
{{- $webhooks = append $webhooks $hook -}}
{{- end -}}
{{- $_ := set $out "webhook_configs" $webhooks -}}
{{- end -}}
{{- $receivers = append $receivers $out -}}
{{- end -}}
{{- $inhibit := list -}}
{{- range .Values.inhibitRules -}}
{{- $rule := dict "source_matchers" .sourceMatchers "target_matchers" .targetMatchers -}}
{{- with .equal }}{{ $_ := set $rule "equal" . }}{{ end -}}
{{- $inhibit = append $inhibit $rule -}}
{{- end -}}
{{- $config := dict
      "route" (include "alertmanager.route" .Values.route | fromYaml)
      "receivers" $receivers
      "templates" (list "/etc/alertmanager/templates/*.tmpl") -}}
{{- if $inhibit }}{{ $_ := set $config "inhibit_rules" $inhibit }}{{ end -}}
{{- toYaml $config -}}
{{- end -}}

{{/* Every Secret the config reads, as a sorted list of names. */}}
{{- define "alertmanager.secretNames" -}}
{{- $names := dict -}}
{{- range $name, $receiver := .Values.receivers -}}
{{- range $receiver.webhook }}
{{- with .urlSecret }}{{ $_ := set $names .name true }}{{ end -}}
{{- with .bearerTokenSecret }}{{ $_ := set $names .name true }}{{ end -}}
{{- end -}}
{{- end -}}
{{- keys $names | sortAlpha | toJson -}}
{{- end -}}
