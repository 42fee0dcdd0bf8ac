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
 * @param image the proxy image, as the CRD has it: repository, tag, pull policy (default: the
 *     operator's)
 * @param logLevel the proxy's log level (default {@code info})
 * @param limits what clients may send (header count, body size, header timeout, connections, HTTP/2
 *     streams); unset = the proxy's defaults
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GantryProxyConfigSpec(
    Integer replicas,
    ResourceRequirements resources,
    ServiceSettings service,
    Autoscaling autoscaling,
    Image image,
    String logLevel,
    ProxyLimits limits) {

  /** Without limits (the proxy's defaults). */
  public GantryProxyConfigSpec(
      Integer replicas,
      ResourceRequirements resources,
      ServiceSettings service,
      Autoscaling autoscaling,
      Image image,
      String logLevel) {
    this(replicas, resources, service, autoscaling, image, logLevel, null);
  }

  /**
   * @param repository e.g. {@code ghcr.io/gantry-dev/gantry-proxy}
   * @param tag a tag, or a {@code sha256:} digest (default {@code latest})
   * @param pullPolicy Always, IfNotPresent or Never (default: Kubernetes' own)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Image(String repository, String tag, String pullPolicy) {

    /** An image from a reference {@code repository:tag} or {@code repository@sha256:...}. */
    public static Image of(String reference) {
      int at = reference.indexOf('@');
      if (at > 0) {
        return new Image(reference.substring(0, at), reference.substring(at + 1), null);
      }
      int colon = reference.lastIndexOf(':');
      if (colon > reference.lastIndexOf('/')) {
        return new Image(reference.substring(0, colon), reference.substring(colon + 1), null);
      }
      return new Image(reference, null, null);
    }

    /**
     * The reference a container spec takes: {@code repository:tag} or {@code repository@digest}.
     */
    public String reference() {
      String t = tag == null || tag.isBlank() ? "latest" : tag;
      return repository + (t.startsWith("sha256:") ? "@" : ":") + t;
    }
  }

  /**
   * @param type ClusterIP, NodePort or LoadBalancer (default LoadBalancer)
   * @param annotations added to the Service, e.g. cloud load-balancer settings
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServiceSettings(String type, Map<String, String> annotations) {}

  /**
   * @param enabled false switches the HPA off (the chart's default); a block without it is on
   * @param minReplicas lower bound (default 2)
   * @param maxReplicas upper bound (required)
   * @param targetCPUUtilizationPercentage average CPU target (default 70)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Autoscaling(
      Boolean enabled,
      Integer minReplicas,
      Integer maxReplicas,
      Integer targetCPUUtilizationPercentage) {

    /** True unless explicitly disabled. */
    public boolean active() {
      return enabled == null || enabled;
    }
  }
}
