package dev.gantry.proxy.route;

import dev.gantry.proxy.metrics.RouteMetrics;
import dev.gantry.proxy.ratelimit.RateLimitStep;

/**
 * One route entry: its match, the rule it leads to, its pre-resolved meters and the rate limits
 * that apply to it ({@code null} = none).
 */
public record CompiledRoute(
    String name,
    RouteMatcher matcher,
    CompiledRule rule,
    RouteMetrics metrics,
    RateLimitStep rateLimits) {

  public CompiledRoute(String name, RouteMatcher matcher, CompiledRule rule, RouteMetrics metrics) {
    this(name, matcher, rule, metrics, null);
  }
}
