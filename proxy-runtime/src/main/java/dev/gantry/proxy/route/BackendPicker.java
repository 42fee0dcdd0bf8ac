package dev.gantry.proxy.route;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Weighted backend choice. For total weights up to {@link #MAX_SEQUENCE} (after dividing by their
 * GCD) the smooth weighted round-robin sequence (nginx's algorithm) is precomputed once and walked
 * with one atomic counter: exact shares over every full cycle, interleaved, lock-free. Larger
 * totals fall back to a weighted random draw.
 */
public final class BackendPicker {
  static final int MAX_SEQUENCE = 1 << 16;

  private final CompiledBackend[] backends;
  private final int[] sequence;
  private final long[] cumulative;
  private final AtomicLong counter = new AtomicLong();

  public BackendPicker(List<CompiledBackend> backends, List<Integer> weights) {
    this.backends = backends.toArray(CompiledBackend[]::new);
    long gcd = 0;
    long total = 0;
    for (int w : weights) {
      if (w > 0) {
        gcd = gcd(gcd, w);
        total += w;
      }
    }
    if (total == 0) {
      sequence = new int[0];
      cumulative = new long[0];
      return;
    }
    long[] w = new long[weights.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = weights.get(i) / gcd;
    }
    long reduced = total / gcd;
    if (reduced <= MAX_SEQUENCE) {
      sequence = smoothSequence(w, (int) reduced);
      cumulative = new long[0];
    } else {
      sequence = new int[0];
      cumulative = new long[w.length];
      long c = 0;
      for (int i = 0; i < w.length; i++) {
        c += w[i];
        cumulative[i] = c;
      }
    }
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  private static int[] smoothSequence(long[] weights, int total) {
    int[] seq = new int[total];
    long[] current = new long[weights.length];
    for (int n = 0; n < total; n++) {
      int best = -1;
      for (int i = 0; i < weights.length; i++) {
        current[i] += weights[i];
        if (weights[i] > 0 && (best < 0 || current[i] > current[best])) {
          best = i;
        }
      }
      current[best] -= total;
      seq[n] = best;
    }
    return seq;
  }

  /** True when every weight is zero (the rule then has a direct response). */
  public boolean isEmpty() {
    return sequence.length == 0 && cumulative.length == 0;
  }

  public CompiledBackend pick() {
    if (sequence.length > 0) {
      return backends[sequence[(int) Math.floorMod(counter.getAndIncrement(), sequence.length)]];
    }
    long r = ThreadLocalRandom.current().nextLong(cumulative[cumulative.length - 1]);
    for (int i = 0; i < cumulative.length; i++) {
      if (r < cumulative[i]) {
        return backends[i];
      }
    }
    return backends[backends.length - 1];
  }
}
