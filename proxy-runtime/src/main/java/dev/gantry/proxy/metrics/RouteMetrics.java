package dev.gantry.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Meters of one route: a counter per status class and a latency histogram.
 *
 * <p>Each meter is registered the first time the route records a request with it and then kept in a
 * field, so a request increments a field instead of looking up tags, yet a route that serves
 * nothing costs nothing: with 10,000 routes, eager registration held 10,000 timers with 12 SLO
 * buckets each plus 50,000 counters (about 150 MiB of heap and a scrape of a million lines) for
 * routes most of which never see a request. The registry returns the same meter for the same tags,
 * so a reload keeps counting where it was, and two event loops racing on the first request of a
 * route get the same meter.
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

  private final MeterRegistry registry;
  private final String gateway;
  private final String route;
  // Set once per slot by whichever event loop records first, and read with volatile semantics so
  // the meter is seen whole. Racing writers store the same instance (the registry deduplicates).
  private final AtomicReferenceArray<Counter> byClass = new AtomicReferenceArray<>(5);
  private volatile Timer latency;

  public RouteMetrics(MeterRegistry registry, String gateway, String route) {
    this.registry = registry;
    this.gateway = gateway;
    this.route = route;
  }

  public void record(int status, long startNanos) {
    int cls = status / 100 - 1;
    if (cls >= 0 && cls < 5) {
      counter(cls).increment();
    }
    Timer t = latency;
    if (t == null) {
      t = latency = registerTimer();
    }
    t.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  /** Requests recorded with this status class (1–5); 0 before the first one. */
  public double count(int statusClass) {
    Counter c = byClass.get(statusClass - 1);
    return c == null ? 0 : c.count();
  }

  private Counter counter(int cls) {
    Counter c = byClass.get(cls);
    if (c == null) {
      c =
          Counter.builder("gantry.requests")
              .description("Requests by route and response status class")
              .tag("gateway", gateway)
              .tag("route", route)
              .tag("status_class", (cls + 1) + "xx")
              .register(registry);
      byClass.set(cls, c);
    }
    return c;
  }

  private Timer registerTimer() {
    return Timer.builder("gantry.request.duration")
        .description("Time from request head to the last response byte written, per route")
        .tag("gateway", gateway)
        .tag("route", route)
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }
}
