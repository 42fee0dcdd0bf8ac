package dev.gantry.proxy.upstream;

import dev.gantry.model.routing.backend.CircuitBreaker;
import dev.gantry.model.routing.backend.RetryBudget;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load this proxy puts on one cluster (requests, requests waiting for a connection, retries in
 * flight), against which its circuit breaker and retry budget decide. Keyed by cluster name and
 * process-wide, so a reload in the middle of a burst keeps counting the requests already in flight
 * instead of starting again from zero. Meter handles are resolved once, here.
 */
public final class ClusterLoad {
  /** Values of the {@code x-gantry-overload} header, and of the {@code limit} meter tag. */
  public static final String MAX_CONNECTIONS = "max-connections";

  public static final String MAX_PENDING = "max-pending-requests";
  public static final String MAX_REQUESTS = "max-requests";
  public static final String MAX_RETRIES = "max-retries";

  private final String cluster;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final Counter overConnections;
  private final Counter overPending;
  private final Counter overRequests;
  private final Counter overRetries;
  private final Counter ejections;
  private final List<Counter> meters = new ArrayList<>();

  ClusterLoad(String cluster, MeterRegistry registry, String gateway) {
    this.cluster = cluster;
    overConnections = overload(registry, gateway, MAX_CONNECTIONS);
    overPending = overload(registry, gateway, MAX_PENDING);
    overRequests = overload(registry, gateway, MAX_REQUESTS);
    overRetries = overload(registry, gateway, MAX_RETRIES);
    ejections =
        Counter.builder("gantry.upstream.ejections")
            .description("Endpoints ejected by outlier detection")
            .tag("gateway", gateway)
            .tag("cluster", cluster)
            .register(registry);
    meters.add(ejections);
  }

  private Counter overload(MeterRegistry registry, String gateway, String limit) {
    Counter c =
        Counter.builder("gantry.upstream.overload")
            .description("Requests answered 503 by a cluster's circuit breaker, by limit")
            .tag("gateway", gateway)
            .tag("cluster", cluster)
            .tag("limit", limit)
            .register(registry);
    meters.add(c);
    return c;
  }

  public String cluster() {
    return cluster;
  }

  public int requests() {
    return requests.get();
  }

  public int pending() {
    return pending.get();
  }

  public int retries() {
    return retries.get();
  }

  /** Admits a request under {@code maxRequests}; false (and counted) when the cluster is full. */
  public boolean tryStartRequest(CircuitBreaker limits) {
    if (requests.incrementAndGet() > limits.maxRequests()) {
      requests.decrementAndGet();
      overRequests.increment();
      return false;
    }
    return true;
  }

  public void requestEnded() {
    requests.decrementAndGet();
  }

  /** A request starts waiting for a new connection; false when {@code maxPendingRequests} full. */
  public boolean tryStartPending(CircuitBreaker limits) {
    if (pending.incrementAndGet() > limits.maxPendingRequests()) {
      pending.decrementAndGet();
      overPending.increment();
      return false;
    }
    return true;
  }

  public void pendingEnded() {
    pending.decrementAndGet();
  }

  /**
   * A retry may start when both the circuit breaker's {@code maxRetries} and the retry budget allow
   * it: retries in flight at most max(minRetryConcurrency, percent % of active requests).
   */
  public boolean tryStartRetry(CircuitBreaker limits, RetryBudget budget) {
    int inFlight = retries.incrementAndGet();
    int allowedByBudget =
        Math.max(budget.minRetryConcurrency(), requests.get() * budget.percent() / 100);
    if (inFlight > limits.maxRetries() || inFlight > allowedByBudget) {
      retries.decrementAndGet();
      overRetries.increment();
      return false;
    }
    return true;
  }

  public void retryEnded() {
    retries.decrementAndGet();
  }

  /** Counts a refused new connection (the cluster holds {@code maxConnections} already). */
  public void connectionRefused() {
    overConnections.increment();
  }

  /** Counts one ejection by outlier detection. */
  public void ejected() {
    ejections.increment();
  }

  void removeMeters(MeterRegistry registry) {
    meters.forEach(registry::remove);
  }
}
