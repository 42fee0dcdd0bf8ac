package dev.gantry.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Pre-resolved meters of one route: a counter per status class and a latency histogram. Resolved
 * when the config is compiled, so a request increments a field instead of looking up tags. The
 * registry returns the same meters for the same tags, so a reload keeps counting where it was.
 */
public final class RouteMetrics {
  /** Fixed latency buckets: a histogram per route stays small even with thousands of routes. */
  static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  private final Counter[] byClass = new Counter[5];
  private final Timer latency;

  public RouteMetrics(MeterRegistry registry, String gateway, String route) {
    for (int i = 0; i < 5; i++) {
      byClass[i] =
          Counter.builder("gantry.requests")
              .description("Requests by route and response status class")
              .tag("gateway", gateway)
              .tag("route", route)
              .tag("status_class", (i + 1) + "xx")
              .register(registry);
    }
    latency =
        Timer.builder("gantry.request.duration")
            .description("Time from request head to the last response byte written, per route")
            .tag("gateway", gateway)
            .tag("route", route)
            .serviceLevelObjectives(BUCKETS)
            .register(registry);
  }

  public void record(int status, long startNanos) {
    int cls = status / 100 - 1;
    if (cls >= 0 && cls < 5) {
      byClass[cls].increment();
    }
    latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  public double count(int statusClass) {
    return byClass[statusClass - 1].count();
  }
}
