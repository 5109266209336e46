{{/*
The alert and recording rules, built as data from .Values.rules and serialised with toYaml:
annotations such as {{ $labels.instance }} are data here, never template source, so they
reach Prometheus exactly as written. Mirrors generator/src/rules/resolve.ts, which checks and
tests the same rules before Helm renders them.
*/}}

{{/*
A keyed rule's text with its ${name} placeholders replaced by threshold, selector, window and
params (and, in texts, by the alert's for); $${ stands for a literal ${ (label_replace's "$${1}").
Call with (dict "rule" $rule "text" $text "what" "the expression" "where" "group.alert" "texts" true).
*/}}
{{- define "promstack.ruleSubstitute" -}}
{{- $rule := .rule -}}
{{- $parameters := dict -}}
{{- range $key := list "threshold" "selector" "window" -}}
{{- if hasKey $rule $key }}{{ $_ := set $parameters $key (get $rule $key) }}{{ end -}}
{{- end -}}
{{- range $key, $value := $rule.params }}{{ $_ := set $parameters $key $value }}{{ end -}}
{{- if and .texts $rule.for }}{{ $_ := set $parameters "for" $rule.for }}{{ end -}}
{{- $parts := list -}}
{{- range $part := splitList "$${" .text -}}
{{- range $key, $value := $parameters }}{{ $part = replace (printf "${%s}" $key) (toString $value) $part }}{{ end -}}
{{- if contains "${" $part }}{{ fail (printf "rules.%s: %s refers to a parameter it does not define: %s" $.where $.what $.text) }}{{ end -}}
{{- $parts = append $parts $part -}}
{{- end -}}
{{- join "${" $parts -}}
{{- end -}}

{{/* An expression with its placeholders replaced: call with (dict "rule" $rule "where" "group.alert"). */}}
{{- define "promstack.ruleExpr" -}}
{{- $expr := required (printf "rules.%s: expr is required" .where) .rule.expr -}}
{{- include "promstack.ruleSubstitute" (dict "rule" .rule "text" $expr "what" "the expression" "where" .where) -}}
{{- end -}}

{{/*
The file (ConfigMap key) and runbook path segment of a group: its name when that is a safe file
name, else the name's safe characters and a hash of it. Mirrors ruleFileName in resolve.ts.
*/}}
{{- define "promstack.ruleFileName" -}}
{{- if and (regexMatch "^[A-Za-z0-9][A-Za-z0-9_.-]*$" .) (le (len .) 100) -}}
{{- . -}}
{{- else -}}
{{- printf "%s-%s" (regexReplaceAll "[^A-Za-z0-9_-]+" . "-" | trunc 60) (sha256sum . | trunc 10) -}}
{{- end -}}
{{- end -}}

{{/* Every enabled group, as Prometheus rule groups. */}}
{{- define "promstack.ruleGroups" -}}
{{- $root := . -}}
{{- $groups := list -}}
{{- range $groupName, $group := .Values.rules -}}
{{- if and $group (ne (toString $group.enabled) "false") -}}
{{- $rules := list -}}
{{- /* The native list first, in the author's order and as written; the group's labels under each rule's own. */ -}}
{{- range $rule := $group.rules -}}
{{- $out := pick $rule "alert" "record" "expr" "annotations" "for" -}}
{{- with $rule.keepFiringFor }}{{ $_ := set $out "keep_firing_for" . }}{{ end -}}
{{- $labels := merge (deepCopy ($rule.labels | default dict)) ($group.labels | default dict) -}}
{{- if $labels }}{{ $_ := set $out "labels" $labels }}{{ end -}}
{{- $rules = append $rules $out -}}
{{- end -}}
{{- range $record, $rule := $group.recording -}}
{{- if ne (toString $rule.enabled) "false" -}}
{{- $out := dict "record" $record "expr" (include "promstack.ruleExpr" (dict "rule" $rule "where" (printf "%s.recording.%s" $groupName $record))) -}}
{{- with $rule.labels }}{{ $_ := set $out "labels" . }}{{ end -}}
{{- $rules = append $rules $out -}}
{{- end -}}
{{- end -}}
{{- range $name, $rule := $group -}}
{{- if and (regexMatch "^[A-Z][A-Za-z0-9_]*$" $name) (ne (toString $rule.enabled) "false") -}}
{{- with $rule.from -}}
{{- /* Start from another group's alert (same name, or group/Alert); own keys win, enabled is not inherited. */ -}}
{{- $from := splitList "/" . -}}
{{- $fromAlert := ternary (last $from) $name (eq (len $from) 2) -}}
{{- $base := get (get $root.Values.rules (first $from) | default dict) $fromAlert -}}
{{- if not (kindIs "map" $base) }}{{ fail (printf "rules.%s.%s.from: group %q has no alert %s" $groupName $name (first $from) $fromAlert) }}{{ end -}}
{{- if $base.from }}{{ fail (printf "rules.%s.%s.from: %s/%s itself starts from %s; start from that alert instead" $groupName $name (first $from) $fromAlert $base.from) }}{{ end -}}
{{- /* Merged two levels deep (labels, params, annotations): what the rule file renders; sprig's mergeOverwrite would skip zero values such as threshold: 0. */ -}}
{{- $merged := omit (deepCopy $base) "enabled" -}}
{{- range $key, $value := omit $rule "from" -}}
{{- if and (kindIs "map" $value) (kindIs "map" (get $merged $key)) -}}
{{- $inner := deepCopy (get $merged $key) -}}
{{- range $k, $v := $value }}{{ $_ := set $inner $k $v }}{{ end -}}
{{- $_ := set $merged $key $inner -}}
{{- else -}}
{{- $_ := set $merged $key $value -}}
{{- end -}}
{{- end -}}
{{- $rule = $merged -}}
{{- end -}}
{{- $labels := merge (deepCopy ($rule.labels | default dict)) ($group.labels | default dict) -}}
{{- with $rule.severity }}{{ $_ := set $labels "severity" . }}{{ end -}}
{{- with $rule.priority }}{{ $_ := set $labels "priority" . }}{{ end -}}
{{- $annotations := deepCopy ($rule.annotations | default dict) -}}
{{- range $key := list "summary" "description" -}}
{{- if hasKey $rule $key }}{{ $_ := set $annotations $key (include "promstack.ruleSubstitute" (dict "rule" $rule "text" (get $rule $key) "what" (printf "the %s" $key) "where" (printf "%s.%s" $groupName $name) "texts" true)) }}{{ end -}}
{{- end -}}
{{- /* A runbook_url the user wrote stays; else runbookUrl; else the generated page, which exists only for alerts with runbook text. */ -}}
{{- if not (hasKey $annotations "runbook_url") -}}
{{- if hasKey $rule "runbookUrl" }}{{ $_ := set $annotations "runbook_url" $rule.runbookUrl -}}
{{- else if $rule.runbook }}{{ $_ := set $annotations "runbook_url" (printf "%s/%s/%s.md" $root.Values.alerting.runbookBaseUrl (include "promstack.ruleFileName" $groupName) $name) -}}
{{- end -}}
{{- end -}}
{{- $out := dict "alert" $name "expr" (include "promstack.ruleExpr" (dict "rule" $rule "where" (printf "%s.%s" $groupName $name))) "labels" $labels "annotations" $annotations -}}
{{- with $rule.for }}{{ $_ := set $out "for" . }}{{ end -}}
{{- with $rule.keepFiringFor }}{{ $_ := set $out "keep_firing_for" . }}{{ end -}}
{{- $rules = append $rules $out -}}
{{- end -}}
{{- end -}}
{{- if $rules -}}
{{- $out := dict "name" $groupName "rules" $rules -}}
{{- with $group.interval }}{{ $_ := set $out "interval" . }}{{ end -}}
{{- if hasKey $group "limit" }}{{ $_ := set $out "limit" $group.limit }}{{ end -}}
{{- with $group.queryOffset }}{{ $_ := set $out "query_offset" . }}{{ end -}}
{{- $groups = append $groups $out -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $groups -}}
{{- end -}}

{{/* Standalone Prometheus reads rules from this ConfigMap; the operator watches PrometheusRules. */}}
{{- define "promstack.rulesMode" -}}
{{- if not .Values.prometheus.enabled -}}none
{{- else if eq .Values.prometheus.mode "operator" -}}operator
{{- else -}}standalone
{{- end -}}
{{- end -}}
