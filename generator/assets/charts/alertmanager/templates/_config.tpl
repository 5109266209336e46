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

{{/*
Converts one object of the values to Alertmanager's form (recursive): camelCase keys to
snake_case, `<base>Secret` (a SecretKeyRef) to `<base>_file` with its mounted path, the free-form
maps listed as verbatim kept as written. Helm reads numbers as float64; whole numbers go back to
integers so large ones (Telegram chat IDs) are not written in exponent form.
Arguments: map, parent (the key holding map), rename, verbatim.
*/}}
{{- define "alertmanager.toConfig" -}}
{{- $ctx := . -}}
{{- $out := dict -}}
{{- range $key, $value := $ctx.map -}}
{{- $name := get $ctx.rename (printf "%s.%s" $ctx.parent $key) | default (snakecase $key) -}}
{{- if and (hasSuffix "Secret" $key) (kindIs "map" $value) -}}
{{- $_ := set $out (printf "%s_file" (trimSuffix "Secret" $key | snakecase)) (include "alertmanager.secretPath" $value) -}}
{{- else if or (has $key $ctx.verbatim) (and (eq $key "fields") (kindIs "map" $value)) -}}
{{- $_ := set $out $name $value -}}
{{- else if eq $key "httpHeaders" -}}
{{- $headers := dict -}}
{{- range $header, $spec := $value -}}
{{- $h := dict -}}
{{- with $spec.values }}{{ $_ := set $h "values" . }}{{ end -}}
{{- with $spec.files }}{{ $files := list }}{{ range . }}{{ $files = append $files (include "alertmanager.secretPath" .) }}{{ end }}{{ $_ := set $h "files" $files }}{{ end -}}
{{- $_ := set $headers $header $h -}}
{{- end -}}
{{- $_ := set $out $name $headers -}}
{{- else if kindIs "map" $value -}}
{{- $_ := set $out $name (include "alertmanager.toConfig" (dict "map" $value "parent" $key "rename" $ctx.rename "verbatim" $ctx.verbatim) | fromYaml) -}}
{{- else if kindIs "slice" $value -}}
{{- $items := list -}}
{{- range $value -}}
{{- if kindIs "map" . -}}
{{- $items = append $items (include "alertmanager.toConfig" (dict "map" . "parent" $key "rename" $ctx.rename "verbatim" $ctx.verbatim) | fromYaml) -}}
{{- else -}}
{{- $items = append $items . -}}
{{- end -}}
{{- end -}}
{{- $_ := set $out $name $items -}}
{{- else if and (kindIs "float64" $value) (eq $value (floor $value)) -}}
{{- $_ := set $out $name (int64 $value) -}}
{{- else -}}
{{- $_ := set $out $name $value -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{- define "alertmanager.receivers" -}}
{{- $integrations := .Files.Get "files/integrations.yaml" | fromYaml -}}
{{- $receivers := list -}}
{{- range $name, $receiver := .Values.receivers -}}
{{- $receiver = $receiver | default dict -}}
{{- $out := dict "name" $name -}}
{{- with $receiver.labels }}{{ $_ := set $out "labels" . }}{{ end -}}
{{- range $kind, $spec := $integrations.kinds -}}
{{- $configs := list -}}
{{- range ((get $receiver $kind) | default list) -}}
{{- $values := . -}}
{{- /* The kind's shorthands are not Alertmanager fields; they are applied below. */ -}}
{{- $shorthands := $spec.shorthands | default list -}}
{{- $own := dict -}}
{{- range $key, $value := $values }}{{ if not (has $key $shorthands) }}{{ $_ := set $own $key $value }}{{ end }}{{ end -}}
{{- $converted := include "alertmanager.toConfig" (dict "map" $own "parent" "" "rename" ($spec.rename | default dict) "verbatim" $integrations.verbatim) | fromYaml -}}
{{- $config := deepCopy ($spec.defaults | default dict) -}}
{{- /* Without the chart's texts only send_resolved (Alertmanager's own default) stays. */ -}}
{{- if eq (toString $.Values.chartTexts) "false" }}{{ $config = pick $config "send_resolved" }}{{ end -}}
{{- /* A header the user sets replaces the chart's default of the same name (names are case-insensitive). */ -}}
{{- if and $config.headers $converted.headers -}}
{{- $headers := dict -}}
{{- range $header, $text := $config.headers }}{{ $taken := false }}{{ range $user, $_ := $converted.headers }}{{ if eq (lower $user) (lower $header) }}{{ $taken = true }}{{ end }}{{ end }}{{ if not $taken }}{{ $_ := set $headers $header $text }}{{ end }}{{ end -}}
{{- $_ := set $converted "headers" (merge $headers $converted.headers) -}}
{{- end -}}
{{- range $key, $value := $converted }}{{ $_ := set $config $key $value }}{{ end -}}
{{- /* The bundled receiver's Service is <release>-alert-receiver (promstack.fullname), port 8080. */ -}}
{{- with and (has "alertReceiverPath" $shorthands) $values.alertReceiverPath }}{{ $_ := set $config "url" (printf "http://%s.%s.svc:8080%s" (printf "%s-alert-receiver" $.Release.Name | trunc 63 | trimSuffix "-") $.Release.Namespace .) }}{{ end -}}
{{- with and (has "subject" $shorthands) $values.subject }}{{ $_ := set $config "headers" (merge (dict "Subject" .) (omit ($config.headers | default dict) "Subject")) }}{{ end -}}
{{- with and (has "bearerTokenSecret" $shorthands) $values.bearerTokenSecret }}{{ $_ := set $config "http_config" (merge (dict "authorization" (dict "type" "Bearer" "credentials_file" (include "alertmanager.secretPath" .))) ($config.http_config | default dict)) }}{{ end -}}
{{- /* The bundled receiver requires its token: a webhook to it without credentials of its own sends the chart's. */ -}}
{{- if include "alertmanager.sendsReceiverToken" $values }}{{ $_ := set $config "http_config" (merge (dict "authorization" (dict "type" "Bearer" "credentials_file" (include "alertmanager.secretPath" (include "alertmanager.receiverToken" $ | fromJson)))) ($config.http_config | default dict)) }}{{ end -}}
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
{{- $integrations := .Files.Get "files/integrations.yaml" | fromYaml -}}
{{- /* alertmanager.smtp is a shorthand for globalConfig's smtp* keys (validate rejects setting both). */ -}}
{{- $global := dict -}}
{{- with .Values.smtp -}}
{{- with .smarthost }}{{ $_ := set $global "smtp_smarthost" . }}{{ end -}}
{{- with .from }}{{ $_ := set $global "smtp_from" . }}{{ end -}}
{{- with .hello }}{{ $_ := set $global "smtp_hello" . }}{{ end -}}
{{- with .authUsername }}{{ $_ := set $global "smtp_auth_username" . }}{{ end -}}
{{- with .authPasswordSecret }}{{ $_ := set $global "smtp_auth_password_file" (include "alertmanager.secretPath" .) }}{{ end -}}
{{- if hasKey . "requireTls" }}{{ $_ := set $global "smtp_require_tls" .requireTls }}{{ end -}}
{{- end -}}
{{- with .Values.globalConfig -}}
{{- range $key, $value := include "alertmanager.toConfig" (dict "map" . "parent" "" "rename" dict "verbatim" $integrations.verbatim) | fromYaml }}{{ $_ := set $global $key $value }}{{ end -}}
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

{{/*
Adds to .names every Secret a values object reads (recursive): any `<base>Secret` SecretKeyRef
and the `files` of httpConfig.httpHeaders, at any depth (receiver names are not keys of it); free-form (verbatim) maps are not
searched, since their keys are the user's own.
*/}}
{{- define "alertmanager.collectSecrets" -}}
{{- $ctx := . -}}
{{- if kindIs "map" $ctx.value -}}
{{- range $key, $value := $ctx.value -}}
{{- if and (hasSuffix "Secret" $key) (kindIs "map" $value) -}}
{{- $_ := set $ctx.names $value.name true -}}
{{- else if eq $key "httpHeaders" -}}
{{- range $header, $spec := $value }}{{ range ($spec.files | default list) }}{{ $_ := set $ctx.names .name true }}{{ end }}{{ end -}}
{{- else if not (or (has $key $ctx.verbatim) (and (eq $key "fields") (kindIs "map" $value))) -}}
{{- include "alertmanager.collectSecrets" (dict "value" $value "names" $ctx.names "verbatim" $ctx.verbatim) -}}
{{- end -}}
{{- end -}}
{{- else if kindIs "slice" $ctx.value -}}
{{- range $ctx.value }}{{ include "alertmanager.collectSecrets" (dict "value" . "names" $ctx.names "verbatim" $ctx.verbatim) }}{{ end -}}
{{- end -}}
{{- end -}}

{{/* "true" when a webhook goes to the bundled receiver (alertReceiverPath) with no credentials of its own. */}}
{{- define "alertmanager.sendsReceiverToken" -}}
{{- $http := .httpConfig | default dict -}}
{{- if and .alertReceiverPath (not (or .bearerTokenSecret $http.authorization $http.basicAuth $http.oauth2)) }}true{{ end -}}
{{- end -}}

{{/* The token Secret the alert-receiver subchart creates, <release>-alert-receiver-token (key token), as JSON. */}}
{{- define "alertmanager.receiverToken" -}}
{{- dict "name" (printf "%s-alert-receiver-token" .Release.Name | trunc 63 | trimSuffix "-") "key" "token" | toJson -}}
{{- end -}}

{{/* Every Secret the config reads (receivers, globalConfig, smtp, the receiver's token), sorted. */}}
{{- define "alertmanager.secretNames" -}}
{{- $verbatim := (.Files.Get "files/integrations.yaml" | fromYaml).verbatim -}}
{{- $names := dict -}}
{{- range .Values.secretMounts }}{{ $_ := set $names . true }}{{ end -}}
{{- range $receiver := .Values.receivers }}{{ range (($receiver | default dict).webhook | default list) }}{{ if include "alertmanager.sendsReceiverToken" . }}{{ $_ := set $names (include "alertmanager.receiverToken" $ | fromJson).name true }}{{ end }}{{ end }}{{ end -}}
{{- include "alertmanager.collectSecrets" (dict "value" (concat (list .Values.smtp .Values.globalConfig) (values (.Values.receivers | default dict))) "names" $names "verbatim" $verbatim) -}}
{{- keys $names | sortAlpha | toJson -}}
{{- end -}}
