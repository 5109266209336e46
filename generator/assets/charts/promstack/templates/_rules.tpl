{{/*
The alert and recording rules, built as data from .Values.rules and serialised with toYaml:
annotations such as {{ $labels.instance }} are data here, never template source, so they
reach Prometheus exactly as written. Mirrors generator/src/rules/resolve.ts, which checks and
tests the same rules before Helm renders them.
*/}}

{{/* An expression with its ${name} placeholders replaced: call with (dict "rule" $rule "where" "group/alert"). */}}
{{- define "promstack.ruleExpr" -}}
{{- $rule := .rule -}}
{{- $parameters := dict -}}
{{- range $key := list "threshold" "selector" "window" -}}
{{- if hasKey $rule $key }}{{ $_ := set $parameters $key (get $rule $key) }}{{ end -}}
{{- end -}}
{{- range $key, $value := $rule.params }}{{ $_ := set $parameters $key $value }}{{ end -}}
{{- $expr := required (printf "rules.%s: expr is required" .where) $rule.expr -}}
{{- range $key, $value := $parameters }}{{ $expr = replace (printf "${%s}" $key) (toString $value) $expr }}{{ end -}}
{{- if contains "${" $expr }}{{ fail (printf "rules.%s: the expression refers to a parameter it does not define: %s" .where $expr) }}{{ end -}}
{{- $expr -}}
{{- end -}}

{{/* Every enabled group, as Prometheus rule groups. */}}
{{- define "promstack.ruleGroups" -}}
{{- $root := . -}}
{{- $groups := list -}}
{{- range $groupName, $group := .Values.rules -}}
{{- if and $group (ne (toString $group.enabled) "false") -}}
{{- $rules := list -}}
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
{{- if hasKey $rule "summary" }}{{ $_ := set $annotations "summary" $rule.summary }}{{ end -}}
{{- if hasKey $rule "description" }}{{ $_ := set $annotations "description" $rule.description }}{{ end -}}
{{- $_ := set $annotations "runbook_url" ($rule.runbookUrl | default (printf "%s/%s/%s.md" $root.Values.alerting.runbookBaseUrl $groupName $name)) -}}
{{- $out := dict "alert" $name "expr" (include "promstack.ruleExpr" (dict "rule" $rule "where" (printf "%s.%s" $groupName $name))) "labels" $labels "annotations" $annotations -}}
{{- with $rule.for }}{{ $_ := set $out "for" . }}{{ end -}}
{{- with $rule.keepFiringFor }}{{ $_ := set $out "keep_firing_for" . }}{{ end -}}
{{- $rules = append $rules $out -}}
{{- end -}}
{{- end -}}
{{- if $rules -}}
{{- $out := dict "name" $groupName "rules" $rules -}}
{{- with $group.interval }}{{ $_ := set $out "interval" . }}{{ end -}}
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
