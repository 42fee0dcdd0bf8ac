package dev.gantry.model.routing;

import dev.gantry.model.Lists;
import dev.gantry.model.SourceRef;
import dev.gantry.model.Validator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One RateLimitPolicy as the proxy enforces it, referenced from rules and listeners by {@code
 * PolicyRef("RateLimit", name)}. A request must pass every limit of every policy that applies to it
 * (a Gateway-level and a route-level policy both apply).
 *
 * @param name stable id, e.g. {@code ratelimitpolicy/ns/name}
 * @param source the RateLimitPolicy
 * @param scope LOCAL (buckets in each proxy) or GLOBAL (one bucket per key shared through Redis)
 * @param failureMode what a GLOBAL limit does when its store cannot answer in time
 * @param limits every limit must pass
 * @param gatewayWide for LOCAL: the rates are for the whole Gateway, so each proxy enforces its
 *     share (rate / ready replicas); GLOBAL limits are shared anyway and ignore it
 */
public record RateLimit(
    String name,
    SourceRef source,
    Scope scope,
    FailureMode failureMode,
    List<Limit> limits,
    boolean gatewayWide) {

  /** The {@link PolicyRef#kind()} that points at a rate limit. */
  public static final String KIND = "RateLimit";

  public enum Scope {
    LOCAL,
    GLOBAL
  }

  public enum FailureMode {
    /** Allow the request when the store is unreachable. */
    OPEN,
    /** Answer 503 when the store is unreachable. */
    CLOSED
  }

  public enum KeyType {
    CLIENT_IP,
    HEADER,
    PATH,
    METHOD,
    QUERY_PARAM
  }

  public RateLimit {
    limits = Lists.copy(limits);
    failureMode = failureMode == null ? FailureMode.OPEN : failureMode;
  }

  /**
   * One limit: its rates (all must pass), what gets its own counter, and which requests count.
   *
   * @param name unique within the policy; names the counter in headers and metrics
   * @param rates at least one; a request is allowed only when every rate has a token left
   * @param key the parts that make a request's counter key; empty = one counter for all
   * @param when only requests matching one of these count; empty = every request counts
   */
  public record Limit(String name, List<Rate> rates, List<KeyPart> key, List<RouteMatch> when) {
    public Limit {
      rates = Lists.copy(rates);
      key = Lists.copy(key);
      when = Lists.copy(when);
    }

    public void validate(Validator v) {
      v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
      v.require(!rates.isEmpty(), "rates", rates, "at least one rate");
      v.each("rates", rates, Rate::validate);
      v.each("key", key, KeyPart::validate);
      v.each("when", when, RouteMatch::validate);
    }
  }

  /** {@code requests} per {@code periodMs}. */
  public record Rate(long requests, long periodMs) {
    public void validate(Validator v) {
      v.require(requests >= 1, "requests", requests, ">= 1");
      v.require(periodMs >= 1, "periodMs", periodMs, ">= 1");
    }
  }

  /**
   * One part of a counter key. {@code name} is the header name (lower-case) for HEADER and the
   * parameter name (case-sensitive) for QUERY_PARAM, else {@code null}.
   */
  public record KeyPart(KeyType type, String name) {
    public KeyPart {
      name = Lists.emptyToNull(name);
    }

    public void validate(Validator v) {
      v.require(type != null, "type", type, "one of " + List.of(KeyType.values()));
      boolean named = type == KeyType.HEADER || type == KeyType.QUERY_PARAM;
      if (named) {
        v.require(name != null, "name", name, "set for " + type);
      } else if (type != null) {
        v.require(name == null, "name", name, "unset for " + type);
      }
      if (type == KeyType.HEADER && name != null) {
        v.require(name.equals(name.toLowerCase(java.util.Locale.ROOT)), "name", name, "lower-case");
      }
    }
  }

  public void validate(Validator v) {
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
    v.require(source != null, "source", source, "non-null");
    v.require(scope != null, "scope", scope, "LOCAL or GLOBAL");
    v.require(!limits.isEmpty(), "limits", limits, "at least one limit");
    v.each("limits", limits, Limit::validate);
    Set<String> seen = new HashSet<>();
    for (Limit l : limits) {
      if (l != null && l.name() != null && !seen.add(l.name())) {
        v.fail("limits", l.name(), "unique limit names");
      }
    }
  }
}
