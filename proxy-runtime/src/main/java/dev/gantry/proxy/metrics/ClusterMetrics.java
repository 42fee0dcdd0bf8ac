package dev.gantry.proxy.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Pre-resolved meters of one backend cluster: upstream responses by status class, the upstream
 * latency histogram, and failed attempts by {@link UpstreamErrorKind}. Built when the config is
 * compiled and held by the compiled cluster, so the data path increments fields. The registry hands
 * back the same meters for the same tags, so counts carry over a reload.
 *
 * <p>An upstream request is one attempt that got a response head: retries and mirror copies are not
 * counted here, failed attempts (no response) are counted in the errors series instead.
 */
public final class ClusterMetrics {
  static final String REQUESTS = "gantry.upstream.requests";
  static final String DURATION = "gantry.upstream.request.duration";
  static final String ERRORS = "gantry.upstream.errors";

  private final Counter[] byClass = new Counter[5];
  private final Timer latency;
  private final Counter[] errors = new Counter[UpstreamErrorKind.values().length];

  public ClusterMetrics(MeterRegistry registry, String gateway, String cluster) {
    for (int i = 0; i < 5; i++) {
      byClass[i] =
          Counter.builder(REQUESTS)
              .description("Upstream responses by backend cluster and status class")
              .tag("gateway", gateway)
              .tag("cluster", cluster)
              .tag("code_class", (i + 1) + "xx")
              .register(registry);
    }
    latency =
        Timer.builder(DURATION)
            .description(
                "Time from the start of an upstream attempt (connection acquire) to its last"
                    + " response byte, per backend cluster")
            .tag("gateway", gateway)
            .tag("cluster", cluster)
            .serviceLevelObjectives(RouteMetrics.BUCKETS)
            .register(registry);
    for (UpstreamErrorKind k : UpstreamErrorKind.values()) {
      errors[k.ordinal()] =
          Counter.builder(ERRORS)
              .description("Failed upstream attempts by backend cluster and kind")
              .tag("gateway", gateway)
              .tag("cluster", cluster)
              .tag("kind", k.label())
              .register(registry);
    }
  }

  /** One upstream attempt answered with {@code status} and took {@code nanos} to its last byte. */
  public void response(int status, long nanos) {
    int cls = status / 100 - 1;
    if (cls >= 0 && cls < 5) {
      byClass[cls].increment();
    }
    latency.record(nanos, TimeUnit.NANOSECONDS);
  }

  public void error(UpstreamErrorKind kind) {
    errors[kind.ordinal()].increment();
  }

  public double count(int statusClass) {
    return byClass[statusClass - 1].count();
  }

  public double errors(UpstreamErrorKind kind) {
    return errors[kind.ordinal()].count();
  }
}
