{{/*
Helpers of the generic service chart. The release name is the service name:
every object, the Service's DNS name and the selector labels derive from it.
*/}}

{{- define "service.name" -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "service.selectorLabels" -}}
app.kubernetes.io/name: {{ include "service.name" . }}
app.kubernetes.io/instance: {{ .Release.Name | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{- define "service.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "service.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* REPOSITORY@DIGEST when pinned by digest, else REPOSITORY:TAG. */}}
{{- define "service.image" -}}
{{- $image := .Values.image -}}
{{- if $image.digest -}}
{{- printf "%s@%s" $image.repository $image.digest -}}
{{- else if $image.tag -}}
{{- printf "%s:%s" $image.repository $image.tag -}}
{{- else -}}
{{- $image.repository -}}
{{- end -}}
{{- end -}}

{{/* The storage account: the tier's (set in values-TIER.yaml) or the emulator's. */}}
{{- define "service.storageAccount" -}}
{{- required "storage.account is set in each tier's values file" .Values.storage.account -}}
{{- end -}}

{{/* Azure workload identity, for a cloud storage account (not for a connection string). */}}
{{- define "service.workloadIdentity" -}}
{{- if .Values.azure.clientId -}}
true
{{- end -}}
{{- end -}}

{{/* Key Vault secrets synced into Secrets: needs the Azure values and a secret to sync (secretEnv or credentials). */}}
{{- define "service.keyVault" -}}
{{- if and .Values.azure.clientId .Values.azure.tenantId .Values.azure.keyVaultName (or .Values.secretEnv .Values.credentials) -}}
true
{{- end -}}
{{- end -}}

{{- define "service.env" -}}
{{- if and .Values.devTools.command .Values.devTools.pythonPath }}
- name: PYTHONPATH
  value: {{ .Values.devTools.path | quote }}
{{- end }}
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- range $name, $ref := .Values.secretEnv }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name }}
      key: {{ $ref.key }}
{{- end }}
{{- range $name, $ref := .Values.credentialEnv }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name }}
      key: {{ $ref.key }}
{{- end }}
{{- /* Last: their values may expand $(VAR) of every variable above. */}}
{{- range $name, $value := .Values.composedEnv }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- if .Values.storage.containers }}
{{- $account := include "service.storageAccount" . }}
- name: AZURE_STORAGE_ACCOUNT
  value: {{ $account | quote }}
- name: AZURE_STORAGE_BLOB_ENDPOINT
  value: {{ .Values.storage.blobEndpoint | default (printf "https://%s.blob.core.windows.net" $account) | quote }}
{{- with .Values.storage.connectionString }}
- name: AZURE_STORAGE_CONNECTION_STRING
  value: {{ . | quote }}
{{- end }}
{{- range .Values.storage.containers }}
- name: {{ printf "STORAGE_%s_CONTAINER" (. | upper | replace "-" "_") }}
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* The probe handler: HTTP GET of the path, gRPC health, a command, or a TCP connect (each probe adds its own timings). */}}
{{- define "service.probe" -}}
{{- $port := .Values.probe.port | default .Values.port -}}
{{- if eq .Values.probe.type "http" -}}
httpGet:
  path: {{ .Values.probe.path | quote }}
  port: {{ $port }}
{{- else if eq .Values.probe.type "grpc" -}}
grpc:
  port: {{ $port }}
{{- else if eq .Values.probe.type "exec" -}}
exec:
  command:
    {{- toYaml .Values.probe.command | nindent 4 }}
{{- else -}}
tcpSocket:
  port: {{ $port }}
{{- end }}
{{- end -}}

{{/* The distinct Secret names secretEnv reads, sorted, as a JSON array. */}}
{{- define "service.secretNames" -}}
{{- $names := list -}}
{{- range $env, $ref := .Values.secretEnv -}}
{{- $names = append $names $ref.name -}}
{{- end -}}
{{- $names | uniq | sortAlpha | toJson -}}
{{- end -}}

