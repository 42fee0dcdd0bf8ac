package dev.gantry.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import java.util.List;
import java.util.Map;

/**
 * What a RateLimitPolicy limits. The CEL and schema rules here are what the API server can check;
 * the translator checks the same again because standalone mode has no API server.
 *
 * @param targetRefs a Gateway (optionally a listener by sectionName) or an HTTPRoute (optionally a
 *     rule by sectionName = the rule's name)
 * @param scope Local (buckets in each proxy) or Global (one counter per key in Redis)
 * @param failureMode what Global limits do when the store is unreachable (default Open)
 * @param limits every limit must pass
 */
// Rules on a list sit on the enclosing object: annotations on a record component reach both its
// field and its accessor, and the generator would emit a repeatable rule twice.
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "self.targetRefs.all(r, r.group == 'gateway.networking.k8s.io' && (r.kind == 'Gateway' ||"
            + " r.kind == 'HTTPRoute'))",
    message = "targetRefs must be Gateways or HTTPRoutes of gateway.networking.k8s.io")
@ValidationRule(
    value = "self.limits.all(l1, self.limits.exists_one(l2, l1.name == l2.name))",
    message = "limit names must be unique")
public record RateLimitPolicySpec(
    @Required
        @Size(min = 1, max = 16)
        @JsonPropertyDescription(
            "Gateways (optionally one listener by sectionName) or HTTPRoutes (optionally one rule by"
                + " sectionName) this policy applies to.")
        List<LocalPolicyTargetReferenceWithSectionName> targetRefs,
    @Required
        @JsonPropertyDescription(
            "Local: buckets in each proxy; a Gateway-wide rate is divided by the ready replicas."
                + " Global: one counter per key shared by every replica, in Redis.")
        Scope scope,
    @JsonPropertyDescription(
            "What Global limits do when the store is unreachable: Open allows, Closed answers"
                + " 503. Default Open.")
        FailureMode failureMode,
    @Required @Size(min = 1, max = 16) @JsonPropertyDescription("Limits that all must pass.")
        List<LimitSpec> limits) {

  public enum Scope {
    Local,
    Global
  }

  public enum FailureMode {
    Open,
    Closed
  }

  /** The GEP-2257 duration format (the translator's {@code Durations} checks the same). */
  public static final String DURATION_PATTERN = "^([0-9]{1,5}(h|m|s|ms)){1,4}$";

  /**
   * @param name names the counter in the RateLimit headers and metrics
   * @param rates a request passes only when every rate has a token left
   * @param key what gets its own counter; empty = one counter for everything targeted
   * @param when only requests matching one of these count; empty = all requests
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LimitSpec(
      // maxLength (the pattern's own bound, which the API server's CEL cost estimator does not
      // read) keeps the "limit names must be unique" rule within the real API server's budget.
      @Required
          @Pattern("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
          @Size(max = 63)
          @JsonPropertyDescription("Unique within the policy; a DNS label.")
          String name,
      @Required
          @Size(min = 1, max = 8)
          @JsonPropertyDescription("Every rate must pass, e.g. 100 per 1m and 10 per 1s.")
          List<RateSpec> rates,
      @Size(max = 8)
          @JsonPropertyDescription(
              "Parts of the counter key; an absent header or query parameter counts as the empty"
                  + " string. Empty = one counter.")
          List<KeySpec> key,
      @Size(max = 8)
          @JsonPropertyDescription(
              "Only requests matching one of these (HTTPRoute match syntax) count. Empty = all.")
          List<HTTPRouteMatch> when) {}

  /**
   * @param requests tokens per window, at least 1
   * @param per the window, a GEP-2257 duration greater than zero
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value = "!self.per.matches('^(0+(h|m|s|ms))+$')",
      message = "per must be greater than zero")
  // A CEL bound rather than @Min/@Max: those are written as floats (minimum: 1.0), which a YAML
  // round trip (Helm) turns into integers, so the chart's copy would never compare equal.
  @ValidationRule(
      value = "self.requests >= 1 && self.requests <= 1000000000",
      message = "requests must be between 1 and 1000000000")
  public record RateSpec(
      @Required @JsonPropertyDescription("Requests per window.") Long requests,
      // maxLength = the longest string DURATION_PATTERN allows (4 x 7): without it a real API
      // server refuses the CRD, estimating the "per" regex rule on an unbounded string.
      @Required
          @Pattern(DURATION_PATTERN)
          @Size(max = 28)
          @JsonPropertyDescription("The window, a GEP-2257 duration such as 1s, 1m or 1h30m.")
          String per) {}

  /**
   * One key part; exactly one field is set. {@code clientIP}, {@code path} and {@code method} are
   * empty objects ({@code clientIP: {}}).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(
      value =
          "[has(self.clientIP), has(self.header), has(self.path), has(self.method),"
              + " has(self.queryParam)].filter(x, x).size() == 1",
      message = "exactly one of clientIP, header, path, method, queryParam")
  public record KeySpec(
      @JsonPropertyDescription(
              "The client IP (the TCP peer, or X-Forwarded-For per the proxy's trusted depth).")
          Map<String, String> clientIP,
      @JsonPropertyDescription("A request header's value.") NamedPart header,
      @JsonPropertyDescription("The request path.") Map<String, String> path,
      @JsonPropertyDescription("The request method.") Map<String, String> method,
      @JsonPropertyDescription("A query parameter's value.") NamedPart queryParam) {}

  /** A named key part (header or query parameter). */
  public record NamedPart(
      @Required
          @Pattern("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$")
          @JsonPropertyDescription("Header name (case-insensitive) or query parameter name.")
          String name) {}
}
