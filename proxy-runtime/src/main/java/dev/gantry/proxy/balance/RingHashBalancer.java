package dev.gantry.proxy.balance;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ketama-style consistent hashing: each endpoint owns many points on a 64-bit ring, placed by a
 * stable hash of its key ("ip:port"), and a request goes to the owner of the first point at or
 * after its hash. The ring depends only on the set of endpoint keys, so a key stays on its endpoint
 * across reloads and replicas, and adding one endpoint to N moves about 1/(N+1) of the keys. An
 * unavailable owner passes its keys to the next available point clockwise, so only its own keys
 * move.
 */
final class RingHashBalancer implements LoadBalancer {
  /**
   * Points per endpoint: enough that each share is within a few percent of 1/N. A constant, not
   * scaled by N, so adding an endpoint adds its points and leaves every other point where it was
   * (keys then only move to the newcomer).
   */
  static final int POINTS_PER_ENDPOINT = 256;

  private final long[] points;
  private final int[] owners;

  RingHashBalancer(List<String> endpointKeys) {
    int n = endpointKeys.size();
    int perEndpoint = POINTS_PER_ENDPOINT;
    long[][] entries = new long[n * perEndpoint][];
    int e = 0;
    for (int i = 0; i < n; i++) {
      String key = endpointKeys.get(i);
      for (int p = 0; p < perEndpoint; p++) {
        entries[e++] = new long[] {Hashing.hash(key + '_' + p), i};
      }
    }
    // Ties (astronomically rare) break on the endpoint index so the ring is deterministic.
    Arrays.sort(
        entries,
        (x, y) -> x[0] != y[0] ? Long.compareUnsigned(x[0], y[0]) : Long.compare(x[1], y[1]));
    points = new long[entries.length];
    owners = new int[entries.length];
    for (int i = 0; i < entries.length; i++) {
      points[i] = entries[i][0];
      owners[i] = (int) entries[i][1];
    }
  }

  @Override
  public int pick(EndpointSet endpoints, long hash) {
    if (points.length == 0) {
      return NONE;
    }
    if (hash == RequestHash.NO_HASH) {
      hash = ThreadLocalRandom.current().nextLong();
    }
    int at = firstAtOrAfter(hash);
    for (int k = 0; k < points.length; k++) {
      int owner = owners[(at + k) % points.length];
      if (endpoints.available(owner)) {
        return owner;
      }
    }
    return NONE;
  }

  /** Index of the first point >= hash (unsigned), wrapping to 0. */
  private int firstAtOrAfter(long hash) {
    int lo = 0;
    int hi = points.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(points[mid], hash) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == points.length ? 0 : lo;
  }
}
