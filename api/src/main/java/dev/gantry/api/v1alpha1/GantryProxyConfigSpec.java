package dev.gantry.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
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
// Bounds are CEL rules rather than @Min/@Max: those are written as floats (minimum: 0.0), which a
// YAML round trip (Helm) turns into integers, so the chart's rendered copy would never compare
// equal. They sit on the enclosing object (see RateLimitPolicySpec). Closed value sets are String
// fields with @SchemaFrom an enum: the schema gets its enum, and the operator keeps plain strings.
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.replicas) || self.replicas >= 0",
    message = "replicas must not be negative")
public record GantryProxyConfigSpec(
    @JsonPropertyDescription("Number of proxy pods when autoscaling is disabled.") Integer replicas,
    @JsonPropertyDescription("Compute resources of each proxy container.")
        ResourceRequirements resources,
    @JsonPropertyDescription("The Service in front of the proxy fleet.") ServiceSettings service,
    @JsonPropertyDescription(
            "HorizontalPodAutoscaler for the fleet; replaces spec.replicas when enabled.")
        Autoscaling autoscaling,
    @JsonPropertyDescription("Proxy container image; the operator's default image when unset.")
        Image image,
    @SchemaFrom(type = LogLevel.class) @JsonPropertyDescription("Log level of the proxy.")
        String logLevel,
    @JsonPropertyDescription(
            "What clients may send to the Gateway's proxies; an unset field keeps the proxy's"
                + " default (docs/security.md).")
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

  /** The schema of {@code logLevel}. */
  public enum LogLevel {
    trace,
    debug,
    info,
    warn,
    error
  }

  /** The schema of {@code service.type}. */
  public enum ServiceType {
    ClusterIP,
    NodePort,
    LoadBalancer
  }

  /** The schema of {@code image.pullPolicy}. */
  public enum PullPolicy {
    Always,
    IfNotPresent,
    Never
  }

  /**
   * @param repository e.g. {@code ghcr.io/gantry-dev/gantry-proxy}
   * @param tag a tag, or a {@code sha256:} digest (default {@code latest})
   * @param pullPolicy Always, IfNotPresent or Never (default: Kubernetes' own)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Image(
      @Size(min = 1)
          @JsonPropertyDescription("Image repository, e.g. ghcr.io/gantry-dev/gantry-proxy.")
          String repository,
      @Size(min = 1) @JsonPropertyDescription("A tag, or a sha256: digest; latest when unset.")
          String tag,
      @SchemaFrom(type = PullPolicy.class)
          @JsonPropertyDescription("Image pull policy; Kubernetes' default when unset.")
          String pullPolicy) {

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
  public record ServiceSettings(
      @SchemaFrom(type = ServiceType.class)
          @JsonPropertyDescription("Service type; LoadBalancer when unset.")
          String type,
      @JsonPropertyDescription("Annotations for the Service (e.g. cloud load-balancer settings).")
          Map<String, String> annotations) {}

  /**
   * @param enabled false switches the HPA off (the chart's default); a block without it is on
   * @param minReplicas lower bound (default 2)
   * @param maxReplicas upper bound (required)
   * @param targetCPUUtilizationPercentage average CPU target (default 70)
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "!has(self.minReplicas) || !has(self.maxReplicas) || self.minReplicas <="
              + " self.maxReplicas",
      message = "minReplicas must not exceed maxReplicas")
  @ValidationRule(
      value = "!has(self.minReplicas) || self.minReplicas >= 1",
      message = "minReplicas must be at least 1")
  @ValidationRule(
      value = "!has(self.maxReplicas) || self.maxReplicas >= 1",
      message = "maxReplicas must be at least 1")
  @ValidationRule(
      value =
          "!has(self.targetCPUUtilizationPercentage) || (self.targetCPUUtilizationPercentage >= 1"
              + " && self.targetCPUUtilizationPercentage <= 100)",
      message = "targetCPUUtilizationPercentage must be between 1 and 100")
  public record Autoscaling(
      @JsonPropertyDescription("false switches the autoscaler off; a block without it is on.")
          Boolean enabled,
      @JsonPropertyDescription("Lower bound of replicas (default 2).") Integer minReplicas,
      @JsonPropertyDescription("Upper bound of replicas (required when enabled).")
          Integer maxReplicas,
      @JsonPropertyDescription("Average CPU utilization target in percent (default 70).")
          Integer targetCPUUtilizationPercentage) {

    /** True unless explicitly disabled. */
    public boolean active() {
      return enabled == null || enabled;
    }
  }
}
