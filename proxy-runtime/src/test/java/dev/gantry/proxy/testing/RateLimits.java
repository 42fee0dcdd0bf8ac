package dev.gantry.proxy.testing;

import dev.gantry.model.SourceRef;
import dev.gantry.model.routing.PolicyRef;
import dev.gantry.model.routing.RateLimit;
import dev.gantry.model.routing.RateLimit.KeyPart;
import dev.gantry.model.routing.RateLimit.KeyType;
import dev.gantry.model.routing.RateLimit.Limit;
import dev.gantry.model.routing.RateLimit.Rate;
import dev.gantry.model.routing.RouteMatch;
import java.util.List;

/** Builds config-model rate limits for tests. */
public final class RateLimits {
  private RateLimits() {}

  public static RateLimit of(
      String name,
      RateLimit.Scope scope,
      RateLimit.FailureMode mode,
      boolean gatewayWide,
      Limit... limits) {
    return new RateLimit(
        name,
        SourceRef.of("RateLimitPolicy", "ns", name),
        scope,
        mode,
        List.of(limits),
        gatewayWide);
  }

  public static Limit limit(String name, long requests, long periodMs, KeyPart... key) {
    return new Limit(name, List.of(new Rate(requests, periodMs)), List.of(key), List.of());
  }

  public static Limit limitWhen(
      String name, long requests, long periodMs, List<RouteMatch> when, KeyPart... key) {
    return new Limit(name, List.of(new Rate(requests, periodMs)), List.of(key), when);
  }

  public static KeyPart header(String name) {
    return new KeyPart(KeyType.HEADER, name);
  }

  public static KeyPart clientIp() {
    return new KeyPart(KeyType.CLIENT_IP, null);
  }

  public static List<PolicyRef> refs(String... names) {
    return java.util.Arrays.stream(names).map(n -> new PolicyRef(RateLimit.KIND, n)).toList();
  }
}
