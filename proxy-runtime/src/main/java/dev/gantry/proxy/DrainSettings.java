package dev.gantry.proxy;

import java.time.Duration;

/**
 * How a proxy shuts down without failing a request (see {@link GantryProxy#drain(DrainSettings)}).
 *
 * <p>The {@code period} must cover the time the load balancer in front needs to notice the failing
 * readiness and stop sending new connections: its health-check interval times its unhealthy
 * threshold, plus the time the change takes to propagate (kube-proxy, cloud LB). For a Kubernetes
 * pod the endpoint is marked terminating at once, but kube-proxy and cloud load balancers apply
 * that asynchronously, typically within a few seconds; hence 5 s in a cluster. The {@code timeout}
 * bounds how long requests still in flight after the listeners closed may take.
 *
 * @param period how long the proxy keeps accepting and serving after readiness starts failing
 * @param timeout how long in-flight requests may take to finish once the listeners are closed;
 *     connections still open after it are cut
 */
public record DrainSettings(Duration period, Duration timeout) {

  /** The fleet's defaults in a cluster: {@code --drain-period 5s --drain-timeout 30s}. */
  public static final DrainSettings CLUSTER =
      new DrainSettings(Duration.ofSeconds(5), Duration.ofSeconds(30));

  /** No drain period (nothing in front to tell), in-flight requests get 10 s. */
  public static final DrainSettings IMMEDIATE =
      new DrainSettings(Duration.ZERO, Duration.ofSeconds(10));

  public DrainSettings {
    if (period == null || period.isNegative()) {
      throw new IllegalArgumentException(
          "drain period: " + period + " (expected: a duration >= 0, e.g. 5s)");
    }
    if (timeout == null || timeout.isNegative()) {
      throw new IllegalArgumentException(
          "drain timeout: " + timeout + " (expected: a duration >= 0, e.g. 30s)");
    }
  }

  /** The time a drain may take at most (before the event loops stop). */
  public Duration total() {
    return period.plus(timeout);
  }
}
