package dev.gantry.proxy.ratelimit;

import dev.gantry.model.routing.RateLimit.Limit;
import dev.gantry.model.routing.RateLimit.Rate;
import dev.gantry.model.routing.RouteMatch;
import dev.gantry.proxy.route.RequestView;
import dev.gantry.proxy.route.RouteMatcher;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import java.time.Duration;
import java.util.List;

/**
 * One limit of a policy, compiled: which requests count ({@code when}), their key, the rates and
 * the precomputed {@code RateLimit-Policy} header items.
 */
abstract sealed class CompiledLimit permits LocalLimit, GlobalLimit {
  private final String name;
  private final RouteMatcher[] when;
  private final LimitKey key;
  private final List<Rate> rates;
  private final String policyHeader;
  private final RateLimitMetrics metrics;

  CompiledLimit(Limit limit, RateLimitMetrics metrics) {
    this.name = limit.name();
    this.when = limit.when().stream().map(RouteMatcher::new).toArray(RouteMatcher[]::new);
    this.key = new LimitKey(limit.key());
    this.rates = limit.rates();
    this.metrics = metrics;
    StringBuilder h = new StringBuilder();
    for (int i = 0; i < rates.size(); i++) {
      if (i > 0) {
        h.append(", ");
      }
      Rate r = rates.get(i);
      // One item per rate; the draft wants distinct item names, so rates after the first get
      // their index. w is whole seconds (the draft's unit), rounded up for sub-second periods.
      h.append('"')
          .append(i == 0 ? name : name + "-" + i)
          .append("\";q=")
          .append(r.requests())
          .append(";w=")
          .append(Math.max(1, (r.periodMs() + 999) / 1000));
    }
    this.policyHeader = h.toString();
  }

  String name() {
    return name;
  }

  LimitKey key() {
    return key;
  }

  List<Rate> rates() {
    return rates;
  }

  RateLimitMetrics metrics() {
    return metrics;
  }

  /** The {@code RateLimit-Policy} items of this limit. */
  String policyHeader() {
    return policyHeader;
  }

  /** True when the request counts against this limit (no {@code when}, or one of them matches). */
  boolean applies(RequestView request) {
    if (when.length == 0) {
      return true;
    }
    for (RouteMatcher m : when) {
      if (m.matches(request)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A bucket with one bandwidth per rate: a token is taken only when every rate has one. Refill is
   * interval-based (all of a window's tokens come back at once), which is what makes "N per window"
   * exact; a greedy refill would trickle tokens in and let more than N through in a window that
   * straddles two.
   */
  static BucketConfiguration configuration(List<Rate> rates, int divisor) {
    ConfigurationBuilder b = BucketConfiguration.builder();
    for (Rate r : rates) {
      long n = share(r.requests(), divisor);
      b.addLimit(
          Bandwidth.builder()
              .capacity(n)
              .refillIntervally(n, Duration.ofMillis(r.periodMs()))
              .build());
    }
    return b.build();
  }

  /** This replica's share of a Gateway-wide rate: rounded, and never below one request. */
  static long share(long requests, int replicas) {
    return Math.max(1, Math.round((double) requests / Math.max(1, replicas)));
  }

  static List<RouteMatch> noMatches() {
    return List.of();
  }
}
