package dev.gantry.proxy.route;

import dev.gantry.proxy.metrics.RouteMetrics;

/** One route entry: its match, the rule it leads to, and its pre-resolved meters. */
public record CompiledRoute(
    String name, RouteMatcher matcher, CompiledRule rule, RouteMetrics metrics) {}
