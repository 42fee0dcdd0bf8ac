package dev.gantry.proxy.balance;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices: draw two available endpoints at random and take the one with fewer requests
 * in flight (scaled by its slow-start weight). Near least-loaded quality at constant cost, and
 * unlike a global "least" scan it does not herd every event loop onto the same endpoint between two
 * updates of the counters.
 */
final class LeastRequestBalancer implements LoadBalancer {
  /** Random draws before falling back to a scan when most endpoints are unavailable. */
  private static final int DRAWS = 8;

  private final SlowStart slowStart;

  LeastRequestBalancer(SlowStart slowStart) {
    this.slowStart = slowStart;
  }

  @Override
  public int pick(EndpointSet endpoints, long hash) {
    int n = endpoints.size();
    if (n == 0) {
      return NONE;
    }
    if (n == 1) {
      return endpoints.available(0) ? 0 : NONE;
    }
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    int a = draw(endpoints, n, rnd, NONE);
    if (a == NONE) {
      return NONE;
    }
    int b = draw(endpoints, n, rnd, a);
    if (b == NONE) {
      return a;
    }
    return load(endpoints, b) < load(endpoints, a) ? b : a;
  }

  /** An available endpoint other than {@code not}, or NONE. */
  private static int draw(EndpointSet endpoints, int n, ThreadLocalRandom rnd, int not) {
    for (int d = 0; d < DRAWS; d++) {
      int i = rnd.nextInt(n);
      if (i != not && endpoints.available(i)) {
        return i;
      }
    }
    int start = rnd.nextInt(n);
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      if (i != not && endpoints.available(i)) {
        return i;
      }
    }
    return NONE;
  }

  /** Active requests per unit of weight: a half-weight endpoint looks twice as busy. */
  private double load(EndpointSet endpoints, int i) {
    double active = endpoints.activeRequests(i) + 1;
    if (!slowStart.enabled()) {
      return active;
    }
    return active * 100 / slowStart.weightPercent(endpoints.addedAtNanos(i), System.nanoTime());
  }
}
