package dev.gantry.proxy.upstream;

import dev.gantry.model.routing.backend.OutlierDetection;
import dev.gantry.proxy.route.UpstreamEndpoint;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What this proxy knows about one upstream endpoint, process-wide: it outlives config reloads (an
 * endpoint that stays in the config keeps its counters, ejection and slow-start age) and is shared
 * by every cluster that lists the same address. Updated from every event loop, so all fields are
 * atomics or volatiles; nothing here allocates.
 */
public final class EndpointState {
  private final UpstreamEndpoint endpoint;
  private final long addedAtNanos;
  private final AtomicInteger activeRequests = new AtomicInteger();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicInteger consecutive5xx = new AtomicInteger();
  private final AtomicInteger consecutiveFailures = new AtomicInteger();

  /** {@link System#nanoTime()} until which the endpoint is ejected; 0 = never ejected. */
  private volatile long ejectedUntilNanos;

  /** Ejections since the endpoint last answered well after returning (the backoff exponent). */
  private volatile int ejections;

  EndpointState(UpstreamEndpoint endpoint, long addedAtNanos) {
    this.endpoint = endpoint;
    this.addedAtNanos = addedAtNanos;
  }

  public UpstreamEndpoint endpoint() {
    return endpoint;
  }

  public long addedAtNanos() {
    return addedAtNanos;
  }

  public int activeRequests() {
    return activeRequests.get();
  }

  public void requestStarted() {
    activeRequests.incrementAndGet();
  }

  public void requestEnded() {
    activeRequests.decrementAndGet();
  }

  public int openConnections() {
    return openConnections.get();
  }

  public void connectionOpened() {
    openConnections.incrementAndGet();
  }

  public void connectionClosed() {
    openConnections.decrementAndGet();
  }

  /** True while an ejection lasts; the endpoint returns on its own when the time is up. */
  public boolean ejected(long nowNanos) {
    long until = ejectedUntilNanos;
    return until != 0 && nowNanos - until < 0;
  }

  public int ejections() {
    return ejections;
  }

  /** A response below 500: the failure streaks end, and a returned endpoint's backoff resets. */
  public void onSuccess() {
    if (consecutive5xx.get() != 0) {
      consecutive5xx.set(0);
    }
    if (consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
    if (ejections != 0 && !ejected(System.nanoTime())) {
      ejections = 0;
    }
  }

  /**
   * A 5xx response. Returns true when this one completes a streak of {@code
   * policy.consecutive5xx()} (the caller then decides whether the cluster may lose the endpoint).
   */
  public boolean on5xx(OutlierDetection policy) {
    return consecutive5xx.incrementAndGet() >= policy.consecutive5xx();
  }

  /** A connect failure, reset or timeout; true when the streak reaches the policy's threshold. */
  public boolean onGatewayFailure(OutlierDetection policy) {
    return consecutiveFailures.incrementAndGet() >= policy.consecutiveConnectFailures();
  }

  /**
   * Ejects for {@code base * 2^(n-1)} capped at {@code max}, n counting this ejection, and clears
   * the streaks so the endpoint starts fresh when it returns. False when another thread ejected it
   * first (only one ejection per streak is counted).
   */
  public synchronized boolean eject(OutlierDetection policy, long nowNanos) {
    if (ejected(nowNanos)) {
      return false;
    }
    int n = ejections + 1;
    long ms = policy.baseEjectionMs();
    for (int i = 1; i < n && ms < policy.maxEjectionMs(); i++) {
      ms *= 2;
    }
    ms = Math.min(ms, policy.maxEjectionMs());
    long until = nowNanos + ms * 1_000_000L;
    ejectedUntilNanos = until == 0 ? 1 : until;
    ejections = n;
    consecutive5xx.set(0);
    consecutiveFailures.set(0);
    return true;
  }

  @Override
  public String toString() {
    return "EndpointState" + endpoint;
  }
}
