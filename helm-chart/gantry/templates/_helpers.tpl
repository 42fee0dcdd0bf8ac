{{/*
Names. Everything derived from the release so two releases never collide, truncated to the 63 characters a label
value or DNS-1123 label allows.
*/}}
{{- define "gantry.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "gantry.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The operator's resources get their own suffix so the proxy-defaults ConfigMap etc. read clearly. */}}
{{- define "gantry.operatorName" -}}
{{- printf "%s-operator" (include "gantry.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "gantry.serviceAccountName" -}}
{{- default (include "gantry.operatorName" .) .Values.operator.serviceAccount.name }}
{{- end }}

{{- define "gantry.leaseName" -}}
{{- default (printf "%s-leader" (include "gantry.fullname" .) | trunc 63 | trimSuffix "-") .Values.operator.leaderElection.leaseName }}
{{- end }}

{{- define "gantry.caSecretName" -}}
{{- default (printf "%s-ca" (include "gantry.fullname" .) | trunc 63 | trimSuffix "-") .Values.operator.caSecretName }}
{{- end }}

{{- define "gantry.proxyDefaultsName" -}}
{{- printf "%s-proxy-defaults" (include "gantry.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels. No chart version or date in the selector labels: selectors are immutable on a Deployment, so they must not
change on upgrade.
*/}}
{{- define "gantry.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gantry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "gantry.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "gantry.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: gantry
{{- end }}

{{- define "gantry.operatorImage" -}}
{{- $img := .Values.operator.image }}
{{- if $img.digest }}
{{- printf "%s@%s" $img.repository $img.digest }}
{{- else }}
{{- printf "%s:%s" $img.repository (default .Chart.AppVersion $img.tag) }}
{{- end }}
{{- end }}

{{/* The address proxies dial: the operator Service's cluster DNS name and the snapshot port. */}}
{{- define "gantry.snapshotAddress" -}}
{{- printf "%s.%s.svc:%d" (include "gantry.operatorName" .) .Release.Namespace (int .Values.operator.ports.snapshot) }}
{{- end }}

{{/*
The proxy values as a GantryProxyConfig spec. One definition for both places that carry it (the operator's
proxy-defaults ConfigMap and the optional default GantryProxyConfig), so the two can never say different things.
*/}}
{{- define "gantry.proxySpec" -}}
{{- $p := .Values.proxy -}}
replicas: {{ $p.replicas }}
image:
  repository: {{ $p.image.repository | quote }}
  tag: {{ default .Chart.AppVersion $p.image.tag | quote }}
  pullPolicy: {{ $p.image.pullPolicy }}
resources:
  {{- toYaml $p.resources | nindent 2 }}
logLevel: {{ $p.logLevel }}
service:
  type: {{ $p.service.type }}
  annotations: {{- if $p.service.annotations }}{{ toYaml $p.service.annotations | nindent 4 }}{{ else }} {}{{ end }}
autoscaling:
  {{- toYaml $p.autoscaling | nindent 2 }}
{{- with $p.limits }}
limits:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
