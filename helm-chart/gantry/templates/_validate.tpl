{{/*
Cross-field rules the JSON schema (draft-07) cannot state. Messages follow "field: value (expected: rule)".
Included once from the Deployment so every render checks them.
*/}}
{{- define "gantry.validate" -}}
{{- $op := .Values.operator }}
{{- if and $op.podDisruptionBudget.enabled (ge (int $op.podDisruptionBudget.minAvailable) (int $op.replicas)) }}
{{- fail (printf "operator.podDisruptionBudget.minAvailable: %v (expected: less than operator.replicas %v, otherwise no node can ever be drained)" $op.podDisruptionBudget.minAvailable $op.replicas) }}
{{- end }}
{{- $as := .Values.proxy.autoscaling }}
{{- if gt (int $as.minReplicas) (int $as.maxReplicas) }}
{{- fail (printf "proxy.autoscaling.minReplicas: %v (expected: at most proxy.autoscaling.maxReplicas %v)" $as.minReplicas $as.maxReplicas) }}
{{- end }}
{{- $ports := list (int $op.ports.snapshot) (int $op.ports.health) (int $op.ports.metrics) }}
{{- if ne (len (uniq $ports)) 3 }}
{{- fail (printf "operator.ports: %v (expected: snapshot, health and metrics on three different ports)" $ports) }}
{{- end }}
{{- end }}
