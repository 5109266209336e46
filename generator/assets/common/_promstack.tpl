{{/*
Helpers shared by every promstack subchart. The generator copies this file into each
subchart, so the definitions are identical wherever Helm loads them.
*/}}

{{/* <release>-<name>, cut to the 63 characters Kubernetes allows in a name. */}}
{{- define "promstack.fullname" -}}
{{- $name := default .Chart.Name .name -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Labels on every object: call with (dict "ctx" $ "component" "x"). global.commonLabels are
added and win over the chart's own (e.g. app.kubernetes.io/part-of), except the two selector
labels, so no label appears twice.
*/}}
{{- define "promstack.labels" -}}
{{- /* "+" is not allowed in a label value, and Flux installs a chart from an OCIRepository as
version X.Y.Z+<digest>: build metadata becomes "_", as Helm's own chart scaffold does it. */ -}}
{{- $own := dict "app.kubernetes.io/part-of" "promstack" "app.kubernetes.io/managed-by" .ctx.Release.Service "app.kubernetes.io/version" (.ctx.Chart.AppVersion | default .ctx.Chart.Version | toString | replace "+" "_") "helm.sh/chart" (printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_") -}}
{{- $common := omit ((.ctx.Values.global).commonLabels | default dict) "app.kubernetes.io/name" "app.kubernetes.io/instance" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{ toYaml (merge (deepCopy $common) $own) }}
{{- end -}}

{{/* Selector labels: the stable subset of promstack.labels. */}}
{{- define "promstack.selectorLabels" -}}
app.kubernetes.io/name: {{ .component }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
{{- end -}}

{{/* An image reference from an Image value; global.imageRegistry replaces the registry host. */}}
{{- define "promstack.image" -}}
{{- $image := .image -}}
{{- $repository := $image.repository -}}
{{- with (.ctx.Values.global).imageRegistry -}}
{{- $parts := splitList "/" $repository -}}
{{- if and (gt (len $parts) 1) (or (contains "." (first $parts)) (contains ":" (first $parts))) -}}
{{- $repository = join "/" (prepend (rest $parts) .) -}}
{{- else -}}
{{- $repository = printf "%s/%s" . $repository -}}
{{- end -}}
{{- end -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $repository $image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repository $image.tag -}}
{{- end -}}
{{- end -}}

{{/* Pod-level settings every promstack pod shares: pull secrets and the architecture constraint. */}}
{{- define "promstack.podCommon" -}}
{{- with (.Values.global).imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ if kindIs "map" . }}{{ .name | quote }}{{ else }}{{ . | quote }}{{ end }}
  {{- end }}
{{- end }}
{{- end -}}

{{/* Node affinity to the profile's CPU architectures (global.architectures). */}}
{{- define "promstack.archAffinity" -}}
nodeAffinity:
  requiredDuringSchedulingIgnoredDuringExecution:
    nodeSelectorTerms:
      - matchExpressions:
          - key: kubernetes.io/arch
            operator: In
            values: {{ toJson ((.Values.global).architectures | default (list "amd64" "arm64")) }}
          - key: kubernetes.io/os
            operator: In
            values: ["linux"]
{{- end -}}

{{/*
The affinity of a pod: the component's own (scheduling.affinity), with the profile's CPU
architectures and Linux added to every required node selector term (terms are alternatives,
so each must carry them), and, for replicated components, anti-affinity between its replicas
over kubernetes.io/hostname. Call with
  (dict "ctx" $ "scheduling" .Values.scheduling "component" "x" "antiAffinity" "soft|hard|none")
*/}}
{{- define "promstack.affinity" -}}
{{- $affinity := deepCopy ((.scheduling | default dict).affinity | default dict) -}}
{{- $platform := list
      (dict "key" "kubernetes.io/arch" "operator" "In" "values" ((.ctx.Values.global).architectures | default (list "amd64" "arm64")))
      (dict "key" "kubernetes.io/os" "operator" "In" "values" (list "linux")) -}}
{{- $nodeAffinity := $affinity.nodeAffinity | default dict -}}
{{- $required := $nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution | default dict -}}
{{- $terms := list -}}
{{- range ($required.nodeSelectorTerms | default (list (dict))) -}}
{{- $terms = append $terms (set (deepCopy .) "matchExpressions" (concat (.matchExpressions | default list) $platform)) -}}
{{- end -}}
{{- $_ := set $required "nodeSelectorTerms" $terms -}}
{{- $_ := set $nodeAffinity "requiredDuringSchedulingIgnoredDuringExecution" $required -}}
{{- $_ := set $affinity "nodeAffinity" $nodeAffinity -}}
{{- if has .antiAffinity (list "soft" "hard") -}}
{{- $term := dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" (include "promstack.selectorLabels" (dict "ctx" .ctx "component" .component) | fromYaml)) -}}
{{- $podAntiAffinity := $affinity.podAntiAffinity | default dict -}}
{{- if eq .antiAffinity "hard" -}}
{{- $_ := set $podAntiAffinity "requiredDuringSchedulingIgnoredDuringExecution" (append ($podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution | default list) $term) -}}
{{- else -}}
{{- $_ := set $podAntiAffinity "preferredDuringSchedulingIgnoredDuringExecution" (append ($podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution | default list) (dict "weight" 100 "podAffinityTerm" $term)) -}}
{{- end -}}
{{- $_ := set $affinity "podAntiAffinity" $podAntiAffinity -}}
{{- end -}}
{{- toYaml $affinity -}}
{{- end -}}

{{/* A PodDisruptionBudget from a PodDisruptionBudget value, for components with more than one replica:
  (dict "ctx" $ "pdb" .Values.podDisruptionBudget "replicas" .Values.replicas "component" "x" "name" "<object name>") */}}
{{- define "promstack.podDisruptionBudget" -}}
{{- if and .pdb.enabled (gt (int .replicas) 1) -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ .name }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "promstack.labels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
spec:
  minAvailable: {{ min (int .pdb.minAvailable) (int .replicas) }}
  # A pod that is not Ready protects nothing: evict it, so crash-looping replicas never
  # block a node drain.
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "promstack.selectorLabels" (dict "ctx" .ctx "component" .component) | nindent 6 }}
{{- end -}}
{{- end -}}

{{/* Bytes of a Kubernetes quantity (a suffix that common.schema.json#/definitions/quantity admits). */}}
{{- define "promstack.bytes" -}}
{{- $number := regexFind "^[0-9]+(\\.[0-9]+)?" . -}}
{{- $factors := dict "" 1 "m" 0.001 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "Pi" 1125899906842624 "Ei" 1152921504606846976 -}}
{{- mulf $number (get $factors (trimPrefix $number .)) -}}
{{- end -}}

{{/*
A container's resources, with room for the pod's emptyDirs: the kubelet evicts a pod whose
disk use, emptyDirs included, exceeds the sum of its containers' ephemeral-storage limits,
so the main container's limit is its own plus the emptyDirs' sizeLimits. Call with
  (dict "resources" .Values.resources "emptyDirs" (list "<sizeLimit>" ...))
*/}}
{{- define "promstack.resources" -}}
{{- $resources := deepCopy .resources -}}
{{- $volumes := 0.0 -}}
{{- range .emptyDirs }}{{ $volumes = addf $volumes (include "promstack.bytes" .) }}{{ end -}}
{{- $limits := $resources.limits | default dict -}}
{{- with index $limits "ephemeral-storage" -}}
{{- if gt $volumes 0.0 -}}
{{- $mebibytes := divf (addf (include "promstack.bytes" .) $volumes) 1048576 | ceil | int64 -}}
{{- $_ := set $limits "ephemeral-storage" (printf "%dMi" $mebibytes) -}}
{{- end -}}
{{- end -}}
{{- toYaml $resources -}}
{{- end -}}

{{/* Pod security context of the restricted Pod Security Standard. */}}
{{- define "promstack.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid | default 65534 }}
runAsGroup: {{ .uid | default 65534 }}
fsGroup: {{ .uid | default 65534 }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* Container security context of the restricted Pod Security Standard. */}}
{{- define "promstack.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Command-line flags from an ExtraArgs map, sorted by name: --name=value, or --name when empty. */}}
{{- define "promstack.extraArgs" -}}
{{- range $name, $value := . }}
- {{ if $value }}{{ printf "--%s=%s" $name $value | quote }}{{ else }}{{ printf "--%s" $name | quote }}{{ end }}
{{- end }}
{{- end -}}

{{/*
A pod template's metadata: the chart's labels (rendered promstack.labels) with the profile's
podLabels over them (the schema keeps the selector labels out of podLabels), and the chart's own
annotations (checksums) over the profile's podAnnotations (the schema keeps checksum/* out). Call with
  (dict "labels" (include "promstack.labels" ...) "podLabels" .Values.podLabels "annotations" (dict ...) "podAnnotations" .Values.podAnnotations)
*/}}
{{- define "promstack.podMetadata" -}}
labels:
  {{- toYaml (merge (deepCopy (.podLabels | default dict)) (.labels | fromYaml)) | nindent 2 }}
{{- $annotations := merge (deepCopy (.annotations | default dict)) (deepCopy (.podAnnotations | default dict)) }}
{{- with $annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
nodeSelector, tolerations, priorityClassName and topologySpreadConstraints from a PodScheduling
value; a constraint without labelSelector counts the component's own pods. Call with
  (dict "ctx" $ "scheduling" .Values.scheduling "component" "x")
*/}}
{{- define "promstack.scheduling" -}}
{{- $selector := include "promstack.selectorLabels" (dict "ctx" .ctx "component" .component) | fromYaml -}}
{{- with .scheduling -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- with .topologySpreadConstraints }}
{{- $constraints := list }}
{{- range . }}
{{- $constraint := deepCopy . }}
{{- if not (hasKey $constraint "labelSelector") }}{{ $_ := set $constraint "labelSelector" (dict "matchLabels" $selector) }}{{ end }}
{{- $constraints = append $constraints $constraint }}
{{- end }}
topologySpreadConstraints:
  {{- toYaml $constraints | nindent 2 }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* volumeClaimTemplates for an enabled Persistence value (without it, the pod mounts an emptyDir named data). */}}
{{- define "promstack.dataVolumeClaim" -}}
volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: {{ toJson .accessModes }}
      {{- with .storageClass }}
      storageClassName: {{ . | quote }}
      {{- end }}
      resources:
        requests:
          storage: {{ .size }}
{{- end -}}

{{/*
An Ingress for a component's web UI, from an Ingress value (common.schema.json#/definitions/ingress);
renders nothing when it is disabled. Call with
  (dict "ctx" $ "ingress" .Values.ingress "component" "alertmanager" "service" "<Service name>" "port" "http-web")
where port is the Service port's name or number. TLS may be issued by cert-manager (clusterIssuer);
basic auth is enforced by ingress-nginx from an htpasswd Secret, or by Traefik through a
Middleware rendered here, or single sign-on by an oauth2-proxy through ingress-nginx.
*/}}
{{- define "promstack.ingress" -}}
{{- $ingress := .ingress -}}
{{- if $ingress.enabled -}}
{{- $host := required (printf "%s.ingress.host is required when the Ingress is enabled" .component) $ingress.host -}}
{{- $tls := $ingress.tls | default dict -}}
{{- $basicAuth := $ingress.basicAuth | default dict -}}
{{- $annotations := dict -}}
{{- if and $tls.enabled $tls.clusterIssuer -}}
{{- $_ := set $annotations "cert-manager.io/cluster-issuer" $tls.clusterIssuer -}}
{{- end -}}
{{- if $basicAuth.secretName -}}
{{- $_ := set $annotations "nginx.ingress.kubernetes.io/auth-type" "basic" -}}
{{- $_ := set $annotations "nginx.ingress.kubernetes.io/auth-secret" $basicAuth.secretName -}}
{{- $_ := set $annotations "nginx.ingress.kubernetes.io/auth-realm" ($basicAuth.realm | default "Authentication Required") -}}
{{- end -}}
{{- $traefik := $ingress.traefikBasicAuth | default dict -}}
{{- $middleware := printf "%s-basic-auth" .service | trunc 63 | trimSuffix "-" -}}
{{- if $traefik.secretName -}}
{{- $_ := set $annotations "traefik.ingress.kubernetes.io/router.middlewares" (printf "%s-%s@kubernetescrd" .ctx.Release.Namespace $middleware) -}}
{{- end -}}
{{- with ($ingress.oauth2Proxy | default dict).url -}}
{{- $_ := set $annotations "nginx.ingress.kubernetes.io/auth-url" (printf "%s/oauth2/auth" (trimSuffix "/" .)) -}}
{{- $_ := set $annotations "nginx.ingress.kubernetes.io/auth-signin" (printf "%s/oauth2/start?rd=$scheme://$host$escaped_request_uri" (trimSuffix "/" .)) -}}
{{- end -}}
{{- $annotations = merge $annotations (deepCopy ($ingress.annotations | default dict)) -}}
{{- if $traefik.secretName }}
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata:
  name: {{ $middleware }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "promstack.labels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
spec:
  basicAuth:
    secret: {{ $traefik.secretName | quote }}
    realm: {{ $traefik.realm | default "Authentication Required" | quote }}
---
{{- end }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ .service }}
  namespace: {{ .ctx.Release.Namespace }}
  labels:
    {{- include "promstack.labels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
  {{- with $annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $ingress.className }}
  ingressClassName: {{ . | quote }}
  {{- end }}
  {{- if $tls.enabled }}
  tls:
    - hosts: [{{ $host | quote }}]
      secretName: {{ $tls.secretName | default (printf "%s-tls" .service) | quote }}
  {{- end }}
  rules:
    - host: {{ $host | quote }}
      http:
        paths:
          - path: {{ $ingress.path | default "/" | quote }}
            pathType: {{ $ingress.pathType | default "Prefix" }}
            backend:
              service:
                name: {{ .service }}
                port:
                  {{- if kindIs "string" .port }}
                  name: {{ .port }}
                  {{- else }}
                  number: {{ .port }}
                  {{- end }}
{{- end -}}
{{- end -}}

{{/* Name of the ConfigMap with the scrape jobs of the stack's own components (standalone mode), which Prometheus reads through scrape_config_files. */}}
{{- define "promstack.scrapeConfigMapName" -}}
{{- printf "%s-promstack-scrape" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The sizeLimits of the emptyDirs among extraVolumes, as a JSON list (for promstack.resources). */}}
{{- define "promstack.extraEmptyDirSizes" -}}
{{- $sizes := list -}}
{{- range . }}{{ with .emptyDir }}{{ $sizes = append $sizes .sizeLimit }}{{ end }}{{ end -}}
{{- toJson $sizes -}}
{{- end -}}
