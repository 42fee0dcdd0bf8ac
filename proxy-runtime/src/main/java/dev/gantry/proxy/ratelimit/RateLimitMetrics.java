package dev.gantry.proxy.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Pre-resolved counters of one policy: {@code gantry.ratelimit.requests{result=allowed|limited|
 * store_error}}. The registry returns the same counters for the same tags, so a reload keeps
 * counting.
 */
final class RateLimitMetrics {
  private final Counter allowed;
  private final Counter limited;
  private final Counter storeErrors;

  RateLimitMetrics(MeterRegistry registry, String gateway, String policy) {
    allowed = counter(registry, gateway, policy, "allowed");
    limited = counter(registry, gateway, policy, "limited");
    storeErrors = counter(registry, gateway, policy, "store_error");
  }

  private static Counter counter(MeterRegistry r, String gateway, String policy, String result) {
    return Counter.builder("gantry.ratelimit.requests")
        .description("Rate-limit checks by policy and result")
        .tag("gateway", gateway)
        .tag("policy", policy)
        .tag("result", result)
        .register(r);
  }

  void allowed() {
    allowed.increment();
  }

  void limited() {
    limited.increment();
  }

  void storeError() {
    storeErrors.increment();
  }
}
