{{/* The chart's name, or nameOverride. */}}
{{- define "framewise.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The release's full name: fullnameOverride, or the release name (with the chart's name unless it contains it). */}}
{{- define "framewise.fullname" -}}
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

{{- define "framewise.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "framewise.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "framewise.selectorLabels" -}}
app.kubernetes.io/name: {{ include "framewise.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "framewise.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "framewise.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Kafka Streams' application.id, which is also the consumer group KEDA reads the lag of. */}}
{{- define "framewise.applicationId" -}}
{{- default (include "framewise.fullname" .) .Values.applicationId }}
{{- end }}

{{- define "framewise.sasl" -}}
{{- if hasPrefix "SASL_" .Values.kafka.security.protocol }}true{{ end }}
{{- end }}

{{- define "framewise.tls" -}}
{{- if or (eq .Values.kafka.security.protocol "SSL") (eq .Values.kafka.security.protocol "SASL_SSL") }}true{{ end }}
{{- end }}

{{/* The most replicas that do work: one per partition of the frames topic. */}}
{{- define "framewise.maxReplicas" -}}
{{- $partitions := int .Values.kafka.topics.partitions }}
{{- $max := int (default $partitions .Values.autoscaling.keda.maxReplicas) }}
{{- if gt $max $partitions }}
{{- fail (printf "autoscaling.keda.maxReplicas (%d) exceeds the frames topic's partitions (%d): instances beyond one per partition get no work" $max $partitions) }}
{{- end }}
{{- $max }}
{{- end }}
