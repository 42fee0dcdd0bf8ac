package dev.gantry.proxy.balance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Maglev consistent hashing (Eisenbud et al., NSDI 2016): a lookup table of a prime size filled by
 * each endpoint's own permutation in turn, so every endpoint owns an almost equal number of slots
 * (better balance than a ring at the same memory) and a lookup is one array read. The table depends
 * only on the endpoint keys, so keys stay put across reloads and replicas, and adding an endpoint
 * moves close to the minimum 1/(N+1) of them.
 *
 * <p>Availability changes far more often than the endpoint set, so the table is not rebuilt for
 * them: a key whose slot belongs to an unavailable endpoint probes a fixed sequence of further
 * slots (derived from the key alone) until an available owner comes up. Keys of available endpoints
 * therefore never move when another endpoint fails, and a failed endpoint's keys return to it when
 * it recovers.
 */
final class MaglevBalancer implements LoadBalancer {
  /** A prime well above 100 × the endpoint counts a cluster has. */
  static final int TABLE_SIZE = 65_537;

  private static final long PROBE_STEP = 0x9e3779b97f4a7c15L;

  private final int[] table;
  private final int endpointCount;

  MaglevBalancer(List<String> endpointKeys) {
    endpointCount = endpointKeys.size();
    table = new int[endpointCount == 0 ? 0 : TABLE_SIZE];
    if (endpointCount == 0) {
      return;
    }
    int m = TABLE_SIZE;
    long[] offset = new long[endpointCount];
    long[] skip = new long[endpointCount];
    long[] next = new long[endpointCount];
    for (int i = 0; i < endpointCount; i++) {
      String key = endpointKeys.get(i);
      offset[i] = Long.remainderUnsigned(Hashing.hash(key), m);
      skip[i] = Long.remainderUnsigned(Hashing.hash(key + "#skip"), m - 1) + 1;
    }
    // Endpoints take turns in key order, not list order, so the table is the same whatever order
    // the endpoints arrive in (EndpointSlices do not promise one).
    Integer[] turn = new Integer[endpointCount];
    for (int i = 0; i < endpointCount; i++) {
      turn[i] = i;
    }
    java.util.Arrays.sort(turn, java.util.Comparator.comparing(endpointKeys::get));
    java.util.Arrays.fill(table, -1);
    int filled = 0;
    while (true) {
      for (int i : turn) {
        long c = (offset[i] + next[i] * skip[i]) % m;
        while (table[(int) c] >= 0) {
          next[i]++;
          c = (offset[i] + next[i] * skip[i]) % m;
        }
        table[(int) c] = i;
        next[i]++;
        if (++filled == m) {
          return;
        }
      }
    }
  }

  @Override
  public int pick(EndpointSet endpoints, long hash) {
    if (endpointCount == 0) {
      return NONE;
    }
    if (hash == RequestHash.NO_HASH) {
      hash = ThreadLocalRandom.current().nextLong();
    }
    long h = hash;
    // Enough probes that a key finds an available endpoint with overwhelming probability even
    // when most are down; a final scan makes the answer certain.
    int probes = 4 * endpointCount + 8;
    for (int k = 0; k < probes; k++) {
      int owner = table[(int) Long.remainderUnsigned(h, TABLE_SIZE)];
      if (endpoints.available(owner)) {
        return owner;
      }
      h = Hashing.fmix64(h + PROBE_STEP);
    }
    int start = (int) Long.remainderUnsigned(hash, endpointCount);
    for (int k = 0; k < endpointCount; k++) {
      int i = (start + k) % endpointCount;
      if (endpoints.available(i)) {
        return i;
      }
    }
    return NONE;
  }
}
