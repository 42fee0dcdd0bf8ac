package dev.gantry.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Map;

/**
 * Proxy fleet settings; every field is optional and falls back to the operator's default.
 *
 * @param replicas Deployment replicas when no HPA is set (default 2)
 * @param resources container resource requests/limits
 * @param service how the fleet is exposed
 * @param autoscaling an optional HorizontalPodAutoscaler
 * @param image the proxy image (default: the operator's {@code --proxy-image})
 * @param logLevel the proxy's log level (default {@code info})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GantryProxyConfigSpec(
    Integer replicas,
    ResourceRequirements resources,
    ServiceSettings service,
    Autoscaling autoscaling,
    String image,
    String logLevel) {

  /**
   * @param type ClusterIP, NodePort or LoadBalancer (default LoadBalancer)
   * @param annotations added to the Service, e.g. cloud load-balancer settings
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServiceSettings(String type, Map<String, String> annotations) {}

  /**
   * @param minReplicas lower bound (default 2)
   * @param maxReplicas upper bound (required)
   * @param targetCPUUtilizationPercentage average CPU target (default 70)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Autoscaling(
      Integer minReplicas, Integer maxReplicas, Integer targetCPUUtilizationPercentage) {}
}
