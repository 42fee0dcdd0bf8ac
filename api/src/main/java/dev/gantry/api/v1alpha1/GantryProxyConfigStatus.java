package dev.gantry.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/**
 * Observed state of a GantryProxyConfig, written by the operator.
 *
 * @param observedGeneration the generation the conditions describe
 * @param conditions standard Kubernetes conditions
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GantryProxyConfigStatus(
    @JsonPropertyDescription("The generation the conditions describe.") Long observedGeneration,
    @JsonPropertyDescription("Standard Kubernetes conditions.") List<Condition> conditions) {}
