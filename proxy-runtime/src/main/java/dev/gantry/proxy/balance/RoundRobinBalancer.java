package dev.gantry.proxy.balance;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Round robin over the available endpoints. While every endpoint has its full weight (the steady
 * state) one atomic counter walks the ring, skipping unavailable endpoints: lock-free and exact.
 * While an endpoint is in its slow-start window the weights differ, and nginx's smooth weighted
 * round robin spreads the reduced share evenly instead of in bursts; it needs per-endpoint running
 * weights, so that path takes a short lock, which only new endpoints' first seconds pay for.
 */
final class RoundRobinBalancer implements LoadBalancer {
  private final AtomicLong counter = new AtomicLong();
  private final SlowStart slowStart;
  private final int[] current;

  RoundRobinBalancer(int size, SlowStart slowStart) {
    this.slowStart = slowStart;
    this.current = new int[size];
  }

  @Override
  public int pick(EndpointSet endpoints, long hash) {
    int n = endpoints.size();
    if (n == 0) {
      return NONE;
    }
    if (slowStart.enabled()) {
      long now = System.nanoTime();
      for (int i = 0; i < n; i++) {
        if (endpoints.available(i)
            && slowStart.weightPercent(endpoints.addedAtNanos(i), now) < 100) {
          return smooth(endpoints, now);
        }
      }
    }
    int start = (int) Math.floorMod(counter.getAndIncrement(), (long) n);
    for (int k = 0; k < n; k++) {
      int i = start + k < n ? start + k : start + k - n;
      if (endpoints.available(i)) {
        return i;
      }
    }
    return NONE;
  }

  private int smooth(EndpointSet endpoints, long now) {
    synchronized (current) {
      int total = 0;
      int best = NONE;
      for (int i = 0; i < current.length && i < endpoints.size(); i++) {
        if (!endpoints.available(i)) {
          continue;
        }
        int w = slowStart.weightPercent(endpoints.addedAtNanos(i), now);
        current[i] += w;
        total += w;
        if (best == NONE || current[i] > current[best]) {
          best = i;
        }
      }
      if (best != NONE) {
        current[best] -= total;
      }
      return best;
    }
  }
}
