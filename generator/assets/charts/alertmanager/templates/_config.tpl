{{/*
alertmanager.yml, built as data from the typed values and serialised with toYaml.
Credentials never appear here: they are Secret keys mounted as files and referenced
through *_file fields with absolute paths. Notification texts default to the chart's
templates in promstack.tmpl; they are data here, so their {{ }} reach Alertmanager intact.
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
{{- with .activeTimeIntervals }}{{ $_ := set $out "active_time_intervals" . }}{{ end -}}
{{- with .muteTimeIntervals }}{{ $_ := set $out "mute_time_intervals" . }}{{ end -}}
{{- with .labels }}{{ $_ := set $out "labels" . }}{{ end -}}
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

{{- define "alertmanager.receivers" -}}
{{- $integrations := .Files.Get "files/integrations.yaml" | fromYaml -}}
{{- $receivers := list -}}
{{- range $name, $receiver := .Values.receivers -}}
{{- $out := dict "name" $name -}}
{{- range $kind, $spec := $integrations -}}
{{- $configs := list -}}
{{- range ((get ($receiver | default dict) $kind) | default list) -}}
{{- $config := deepCopy $spec.defaults -}}
{{- $values := . -}}
{{- range $ours, $theirs := $spec.fields }}{{ if hasKey $values $ours }}{{ $_ := set $config $theirs (get $values $ours) }}{{ end }}{{ end -}}
{{- range $ours, $theirs := $spec.secrets }}{{ with get $values $ours }}{{ $_ := set $config $theirs (include "alertmanager.secretPath" .) }}{{ end }}{{ end -}}
{{- /* The bundled receiver's Service is <release>-alert-receiver (promstack.fullname), port 8080. */ -}}
{{- with $values.alertReceiverPath }}{{ $_ := set $config "url" (printf "http://%s.%s.svc:8080%s" (printf "%s-alert-receiver" $.Release.Name | trunc 63 | trimSuffix "-") $.Release.Namespace .) }}{{ end -}}
{{- with $values.subject }}{{ $_ := set $config "headers" (dict "Subject" .) }}{{ end -}}
{{- with $values.bearerTokenSecret }}{{ $_ := set $config "http_config" (dict "authorization" (dict "type" "Bearer" "credentials_file" (include "alertmanager.secretPath" .))) }}{{ end -}}
{{- $configs = append $configs $config -}}
{{- end -}}
{{- if $configs }}{{ $_ := set $out $spec.list $configs }}{{ end -}}
{{- end -}}
{{- $receivers = append $receivers $out -}}
{{- end -}}
{{- toYaml $receivers -}}
{{- end -}}

{{- define "alertmanager.timeIntervals" -}}
{{- $intervals := list -}}
{{- range $name, $ranges := .Values.timeIntervals -}}
{{- $out := list -}}
{{- range $ranges -}}
{{- $range := dict -}}
{{- with .times }}{{ $times := list }}{{ range . }}{{ $times = append $times (dict "start_time" .start "end_time" .end) }}{{ end }}{{ $_ := set $range "times" $times }}{{ end -}}
{{- with .weekdays }}{{ $_ := set $range "weekdays" . }}{{ end -}}
{{- with .daysOfMonth }}{{ $_ := set $range "days_of_month" . }}{{ end -}}
{{- with .months }}{{ $_ := set $range "months" . }}{{ end -}}
{{- with .years }}{{ $_ := set $range "years" . }}{{ end -}}
{{- with .location }}{{ $_ := set $range "location" . }}{{ end -}}
{{- $out = append $out $range -}}
{{- end -}}
{{- $intervals = append $intervals (dict "name" $name "time_intervals" $out) -}}
{{- end -}}
{{- toYaml $intervals -}}
{{- end -}}

{{- define "alertmanager.config" -}}
{{- $global := dict -}}
{{- with .Values.smtp -}}
{{- with .smarthost }}{{ $_ := set $global "smtp_smarthost" . }}{{ end -}}
{{- with .from }}{{ $_ := set $global "smtp_from" . }}{{ end -}}
{{- with .hello }}{{ $_ := set $global "smtp_hello" . }}{{ end -}}
{{- with .authUsername }}{{ $_ := set $global "smtp_auth_username" . }}{{ end -}}
{{- with .authPasswordSecret }}{{ $_ := set $global "smtp_auth_password_file" (include "alertmanager.secretPath" .) }}{{ end -}}
{{- if hasKey . "requireTls" }}{{ $_ := set $global "smtp_require_tls" .requireTls }}{{ end -}}
{{- end -}}
{{- $inhibit := list -}}
{{- range .Values.inhibitRules -}}
{{- /* Either side may be absent (Alertmanager then matches any alert on that side). */ -}}
{{- $rule := dict -}}
{{- with .name }}{{ $_ := set $rule "name" . }}{{ end -}}
{{- with .sourceMatchers }}{{ $_ := set $rule "source_matchers" . }}{{ end -}}
{{- with .targetMatchers }}{{ $_ := set $rule "target_matchers" . }}{{ end -}}
{{- with .equal }}{{ $_ := set $rule "equal" . }}{{ end -}}
{{- $inhibit = append $inhibit $rule -}}
{{- end -}}
{{- $config := dict
      "route" (include "alertmanager.route" .Values.route | fromYaml)
      "receivers" (include "alertmanager.receivers" . | fromYamlArray)
      "templates" (list "/etc/alertmanager/config/*.tmpl") -}}
{{- if $global }}{{ $_ := set $config "global" $global }}{{ end -}}
{{- if $inhibit }}{{ $_ := set $config "inhibit_rules" $inhibit }}{{ end -}}
{{- with include "alertmanager.timeIntervals" . | fromYamlArray }}{{ $_ := set $config "time_intervals" . }}{{ end -}}
{{- toYaml $config -}}
{{- end -}}

{{/* Every Secret the config reads (any *Secret field of any receiver, and SMTP), sorted. */}}
{{- define "alertmanager.secretNames" -}}
{{- $names := dict -}}
{{- with (.Values.smtp).authPasswordSecret }}{{ $_ := set $names .name true }}{{ end -}}
{{- range $name, $receiver := .Values.receivers -}}
{{- range $kind, $configs := $receiver -}}
{{- range $configs -}}
{{- range $field, $value := . -}}
{{- if hasSuffix "Secret" $field }}{{ $_ := set $names $value.name true }}{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- keys $names | sortAlpha | toJson -}}
{{- end -}}
