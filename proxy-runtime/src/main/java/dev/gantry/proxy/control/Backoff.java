package dev.gantry.proxy.control;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter (a random delay in [0, min(cap, base·2^attempt)]), so that a
 * fleet of proxies that lost the operator together does not reconnect in lockstep.
 */
public final class Backoff {

  private final long baseMillis;
  private final long capMillis;
  private int attempt;

  public Backoff(Duration base, Duration cap) {
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("base: " + base + " (expected: > 0)");
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("cap: " + cap + " (expected: >= base " + base + ")");
    }
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
  }

  public static Backoff defaults() {
    return new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30));
  }

  /** The delay before the next attempt; each call without {@link #reset()} doubles the ceiling. */
  public synchronized long nextDelayMillis() {
    long ceiling = attempt >= 30 ? capMillis : Math.min(capMillis, baseMillis << attempt);
    attempt++;
    return ThreadLocalRandom.current().nextLong(ceiling + 1);
  }

  public synchronized void reset() {
    attempt = 0;
  }
}
