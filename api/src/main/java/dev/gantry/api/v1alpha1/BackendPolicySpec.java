package dev.gantry.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import java.util.List;

/**
 * How the proxies treat the endpoints of the targeted Services. Every part is optional; what is
 * left out keeps Gantry's defaults (least request, passive health on, generous circuit-breaker
 * limits). The CEL and schema rules are what the API server can check; the translator checks the
 * same again because standalone mode has no API server.
 *
 * <p>Integer bounds are CEL rules rather than {@code @Min}/{@code @Max}: the generator writes those
 * as floats ({@code minimum: 1.0}), which a YAML round trip (Helm) turns into integers, so the
 * chart's copy would never compare equal to the generated CRD.
 *
 * @param targetRefs core Services (group "", kind Service), optionally one port by sectionName =
 *     the Service port's name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.targetRefs.all(r, (!has(r.group) || r.group == '') && r.kind == 'Service')",
    message = "targetRefs must be core Services (group \"\", kind Service)")
public record BackendPolicySpec(
    @Required
        @Size(min = 1, max = 16)
        @JsonPropertyDescription(
            "Services (group \"\", kind Service) this policy applies to; sectionName picks one"
                + " Service port by name, otherwise every port.")
        List<LocalPolicyTargetReferenceWithSectionName> targetRefs,
    @JsonPropertyDescription("How a request picks an endpoint. Default LeastRequest.")
        LoadBalancerSpec loadBalancer,
    @JsonPropertyDescription(
            "Active (probes) and passive (outlier detection, on by default) health checking.")
        HealthCheckSpec healthCheck,
    @JsonPropertyDescription(
            "Per-proxy limits; beyond them a fast 503 with header x-gantry-overload naming the"
                + " limit.")
        CircuitBreakerSpec circuitBreaker,
    @JsonPropertyDescription(
            "Retries may be at most this share of active requests (GEP-3388). Default 20%, at"
                + " least 3.")
        RetryBudgetSpec retryBudget,
    @JsonPropertyDescription("Upstream connection settings.") ConnectionSpec connection) {

  /** The GEP-2257 duration format (the translator's {@code Durations} checks the same). */
  public static final String DURATION_PATTERN = RateLimitPolicySpec.DURATION_PATTERN;

  public enum LoadBalancerType {
    RoundRobin,
    LeastRequest,
    ConsistentHash
  }

  public enum HashType {
    Header,
    Cookie,
    SourceIP
  }

  public enum HashTable {
    Ring,
    Maglev
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.consistentHash) == (has(self.type) && self.type == 'ConsistentHash')",
      message = "consistentHash is required with type ConsistentHash and only allowed with it")
  public record LoadBalancerSpec(
      @JsonPropertyDescription(
              "RoundRobin (smooth weighted), LeastRequest (power of two choices; the default) or"
                  + " ConsistentHash.")
          LoadBalancerType type,
      @JsonPropertyDescription("What ConsistentHash hashes; required with it.")
          ConsistentHashSpec consistentHash,
      @JsonPropertyDescription(
              "New endpoints ramp up to their full share over this window (RoundRobin and"
                  + " LeastRequest).")
          SlowStartSpec slowStart) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "has(self.header) == (self.type == 'Header')",
      message = "header is required with type Header and only allowed with it")
  @ValidationRule(
      value = "has(self.cookie) == (self.type == 'Cookie')",
      message = "cookie is required with type Cookie and only allowed with it")
  public record ConsistentHashSpec(
      @Required @JsonPropertyDescription("Header, Cookie or SourceIP.") HashType type,
      @JsonPropertyDescription("The request header whose value is the key.") HashHeader header,
      @JsonPropertyDescription(
              "The cookie whose value is the key; a request without it gets one set by the proxy.")
          HashCookie cookie,
      @JsonPropertyDescription("Ring (ring hash) or Maglev (the default).") HashTable table) {}

  public record HashHeader(
      @Required
          @Pattern("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$")
          @JsonPropertyDescription("Header name (case-insensitive).")
          String name) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HashCookie(
      @Required @Pattern("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$") @JsonPropertyDescription("Cookie name.")
          String name,
      @Pattern(DURATION_PATTERN)
          @JsonPropertyDescription(
              "Max-Age of the cookie the proxy sets, a GEP-2257 duration; absent = a session"
                  + " cookie.")
          String ttl) {}

  public record SlowStartSpec(
      @Required
          @Pattern(DURATION_PATTERN)
          @JsonPropertyDescription("The ramp-up window, a GEP-2257 duration such as 30s.")
          String window) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HealthCheckSpec(
      @JsonPropertyDescription("Periodic HTTP probes of every endpoint. Off by default.")
          ActiveHealthCheckSpec active,
      @JsonPropertyDescription(
              "Outlier detection from real traffic: eject endpoints after consecutive failures."
                  + " On by default.")
          PassiveHealthCheckSpec passive) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "duration(has(self.timeout) ? self.timeout : '1s') <= duration(has(self.interval) ?"
              + " self.interval : '5s')",
      message = "timeout must not exceed interval (defaults: timeout 1s, interval 5s)")
  @ValidationRule(
      value = "!has(self.interval) || duration(self.interval) >= duration('100ms')",
      message = "interval must be at least 100ms")
  @ValidationRule(
      value = "!has(self.timeout) || duration(self.timeout) > duration('0s')",
      message = "timeout must be greater than zero")
  @ValidationRule(
      value =
          "(!has(self.healthyThreshold) || self.healthyThreshold >= 1) &&"
              + " (!has(self.unhealthyThreshold) || self.unhealthyThreshold >= 1)",
      message = "thresholds must be at least 1")
  public record ActiveHealthCheckSpec(
      @Required
          @Pattern("^/.*$")
          @JsonPropertyDescription("Request path of the probe, starting with /.")
          String path,
      @JsonPropertyDescription("Host header of the probe; default the endpoint address.")
          String hostname,
      @Size(max = 8)
          @JsonPropertyDescription(
              "Status codes that pass: single codes (from) or inclusive ranges (from, to)."
                  + " Default 200-399.")
          List<StatusRangeSpec> expectedStatuses,
      @Pattern(DURATION_PATTERN)
          @JsonPropertyDescription("Time between probes of one endpoint. Default 5s.")
          String interval,
      @Pattern(DURATION_PATTERN)
          @JsonPropertyDescription(
              "A probe without a complete response in this time fails. Default 1s.")
          String timeout,
      @JsonPropertyDescription("Passing probes in a row that bring an endpoint back. Default 1.")
          Integer healthyThreshold,
      @JsonPropertyDescription("Failing probes in a row that take an endpoint out. Default 2.")
          Integer unhealthyThreshold) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "self.from >= 100 && self.from <= 599 && (!has(self.to) || (self.to >= self.from &&"
              + " self.to <= 599))",
      message = "from must be 100..599 and to from..599")
  public record StatusRangeSpec(
      @Required @JsonPropertyDescription("First status code of the range.") Integer from,
      @JsonPropertyDescription("Last status code, inclusive; absent = only from.") Integer to) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "(!has(self.consecutive5xx) || self.consecutive5xx >= 1) &&"
              + " (!has(self.consecutiveConnectFailures) || self.consecutiveConnectFailures >= 1)",
      message = "consecutive failure counts must be at least 1")
  @ValidationRule(
      value =
          "!has(self.maxEjectedPercent) || (self.maxEjectedPercent >= 0 && self.maxEjectedPercent"
              + " <= 100)",
      message = "maxEjectedPercent must be 0..100")
  @ValidationRule(
      value =
          "duration(has(self.baseEjectionTime) ? self.baseEjectionTime : '10s') <="
              + " duration(has(self.maxEjectionTime) ? self.maxEjectionTime : '5m')",
      message =
          "maxEjectionTime must not be less than baseEjectionTime (defaults: base 10s, max 5m)")
  @ValidationRule(
      value = "!has(self.baseEjectionTime) || duration(self.baseEjectionTime) > duration('0s')",
      message = "baseEjectionTime must be greater than zero")
  public record PassiveHealthCheckSpec(
      @JsonPropertyDescription("false turns outlier detection off. Default true.") Boolean enabled,
      @JsonPropertyDescription("Responses 500-599 in a row that eject an endpoint. Default 5.")
          Integer consecutive5xx,
      @JsonPropertyDescription(
              "Connect failures, resets and timeouts in a row that eject an endpoint. Default 3.")
          Integer consecutiveConnectFailures,
      @Pattern(DURATION_PATTERN)
          @JsonPropertyDescription(
              "First ejection time; the n-th lasts base * 2^(n-1). Default 10s.")
          String baseEjectionTime,
      @Pattern(DURATION_PATTERN) @JsonPropertyDescription("Cap of the ejection time. Default 5m.")
          String maxEjectionTime,
      @JsonPropertyDescription(
              "At most this share of a Service's endpoints is ejected at once. Default 50.")
          Integer maxEjectedPercent) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "(!has(self.maxConnections) || self.maxConnections >= 1) && (!has(self.maxRequests) ||"
              + " self.maxRequests >= 1)",
      message = "maxConnections and maxRequests must be at least 1")
  @ValidationRule(
      value =
          "(!has(self.maxPendingRequests) || self.maxPendingRequests >= 0) &&"
              + " (!has(self.maxRetries) || self.maxRetries >= 0)",
      message = "maxPendingRequests and maxRetries must not be negative")
  public record CircuitBreakerSpec(
      @JsonPropertyDescription("Open upstream connections per proxy. Default 1024.")
          Integer maxConnections,
      @JsonPropertyDescription("Requests waiting for a connection per proxy. Default 1024.")
          Integer maxPendingRequests,
      @JsonPropertyDescription("Requests in flight per proxy. Default 1024.") Integer maxRequests,
      @JsonPropertyDescription("Retries in flight per proxy. Default 3.") Integer maxRetries) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "!has(self.percent) || (self.percent >= 0 && self.percent <= 100)",
      message = "percent must be 0..100")
  @ValidationRule(
      value = "!has(self.minRetryConcurrency) || self.minRetryConcurrency >= 0",
      message = "minRetryConcurrency must not be negative")
  public record RetryBudgetSpec(
      @JsonPropertyDescription("Share of active requests that may be retries. Default 20.")
          Integer percent,
      @JsonPropertyDescription("Retries always allowed whatever the share. Default 3.")
          Integer minRetryConcurrency) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "(!has(self.connectTimeout) || duration(self.connectTimeout) > duration('0s')) &&"
              + " (!has(self.idleTimeout) || duration(self.idleTimeout) > duration('0s'))",
      message = "connectTimeout and idleTimeout must be greater than zero")
  @ValidationRule(
      value =
          "(!has(self.maxRequestsPerConnection) || self.maxRequestsPerConnection >= 0) &&"
              + " (!has(self.maxConcurrentStreams) || self.maxConcurrentStreams >= 1)",
      message = "maxRequestsPerConnection must be >= 0 and maxConcurrentStreams >= 1")
  public record ConnectionSpec(
      @Pattern(DURATION_PATTERN) @JsonPropertyDescription("TCP connect timeout. Default 5s.")
          String connectTimeout,
      @Pattern(DURATION_PATTERN)
          @JsonPropertyDescription("An idle pooled connection is closed after this. Default 60s.")
          String idleTimeout,
      @JsonPropertyDescription(
              "An HTTP/1.1 connection is closed after this many requests; 0 = unlimited"
                  + " (default).")
          Integer maxRequestsPerConnection,
      @JsonPropertyDescription(
              "h2c backends: streams per connection before another connection opens. Default"
                  + " 100.")
          Integer maxConcurrentStreams) {}
}
