package dev.gantry.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * What a client may send to the Gateway's proxies ({@code GantryProxyConfig.spec.limits}); every
 * field is optional and an unset one keeps the proxy's built-in default.
 *
 * @param maxRequestHeaders header fields per request; more → 431
 * @param maxRequestBodySize request body size, a quantity such as {@code 16Mi} or a byte count;
 *     larger → 413
 * @param requestHeaderTimeout time to receive a complete request head, a GEP-2257 duration; slower
 *     → 408
 * @param maxConnections open client connections per proxy pod
 * @param maxConcurrentStreams HTTP/2 streams open at once per client connection
 */
// CEL bounds rather than @Min: the generator writes those as floats (minimum: 1.0), which a Helm
// YAML round trip turns into integers, so the chart's copy would never compare equal.
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.maxRequestHeaders) || self.maxRequestHeaders >= 1",
    message = "maxRequestHeaders must be at least 1")
@ValidationRule(
    value = "!has(self.maxConnections) || self.maxConnections >= 1",
    message = "maxConnections must be at least 1")
@ValidationRule(
    value = "!has(self.maxConcurrentStreams) || self.maxConcurrentStreams >= 1",
    message = "maxConcurrentStreams must be at least 1")
@ValidationRule(
    value =
        "!has(self.requestHeaderTimeout) || !self.requestHeaderTimeout.matches('^(0+(h|m|s|ms))+$')",
    message = "requestHeaderTimeout must be greater than zero")
// Whole, positive byte counts only (no 0.5, 1.5Ki, 1e6), the notations `gantry proxy
// --max-request-body` reads too. A CEL rule because the generator writes no pattern for a Quantity;
// for an int-or-string, CEL sees an int or a string.
@ValidationRule(
    value =
        "!has(self.maxRequestBodySize) || (type(self.maxRequestBodySize) == int"
            + " ? self.maxRequestBodySize >= 1"
            + " : self.maxRequestBodySize.matches('"
            + ProxyLimits.BODY_SIZE_PATTERN
            + "'))",
    message = "maxRequestBodySize must be a positive whole number of bytes, e.g. 1048576 or 16Mi")
public record ProxyLimits(
    @JsonPropertyDescription(
            "Header fields per request; a request with more gets 431 (default 100).")
        Integer maxRequestHeaders,
    @JsonPropertyDescription(
            "Request body size, a quantity such as 16Mi or a byte count; a larger body gets 413"
                + " (default 16Mi).")
        Quantity maxRequestBodySize,
    @Pattern(RateLimitPolicySpec.DURATION_PATTERN)
        @JsonPropertyDescription(
            "Time to receive a complete request head, a GEP-2257 duration such as 30s; slower"
                + " clients get 408 (default 30s).")
        String requestHeaderTimeout,
    @JsonPropertyDescription(
            "Open client connections per proxy pod; more are closed at accept (default"
                + " 50000).")
        Integer maxConnections,
    @JsonPropertyDescription("HTTP/2 streams open at once per client connection (default 250).")
        Integer maxConcurrentStreams) {

  /** A whole, positive number of bytes with an optional binary or decimal suffix. */
  public static final String BODY_SIZE_PATTERN = "^0*[1-9][0-9]*(Ki|Mi|Gi|Ti|k|M|G|T)?$";

  /** Each field of this one where set, else the one of {@code fallback} (may be null). */
  public ProxyLimits over(ProxyLimits fallback) {
    if (fallback == null) {
      return this;
    }
    return new ProxyLimits(
        maxRequestHeaders != null ? maxRequestHeaders : fallback.maxRequestHeaders,
        maxRequestBodySize != null ? maxRequestBodySize : fallback.maxRequestBodySize,
        requestHeaderTimeout != null ? requestHeaderTimeout : fallback.requestHeaderTimeout,
        maxConnections != null ? maxConnections : fallback.maxConnections,
        maxConcurrentStreams != null ? maxConcurrentStreams : fallback.maxConcurrentStreams);
  }

  /**
   * The body limit in bytes, or null when unset.
   *
   * @throws IllegalArgumentException "limits.maxRequestBodySize: value (expected: ...)" when it is
   *     not a whole, positive number of bytes
   */
  public Long maxRequestBodyBytes() {
    if (maxRequestBodySize == null) {
      return null;
    }
    try {
      var bytes = Quantity.getAmountInBytes(maxRequestBodySize);
      if (bytes.signum() > 0) {
        return bytes.toBigIntegerExact().longValueExact();
      }
    } catch (ArithmeticException | IllegalArgumentException e) {
      // Falls through to the message below: a fraction of a byte, too large, or not a quantity.
    }
    throw new IllegalArgumentException(
        "limits.maxRequestBodySize: "
            + maxRequestBodySize
            + " (expected: a positive whole number of bytes or a quantity like 16Mi)");
  }
}
