package dev.gantry.proxy.ratelimit;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A circuit breaker in front of the Global limit store. One failed call (error or timeout) opens
 * it; while open, calls fail at once without touching the store, so an outage costs each request at
 * most one store timeout. After {@code openNanos} exactly one caller is let through as a probe; its
 * success closes the breaker, its failure opens it again.
 *
 * <p>Hand-written rather than a resilience library: it is one atomic state word, and the library
 * breakers count failure ratios over windows, which would let a whole window of requests wait out
 * the timeout before opening.
 */
final class StoreBreaker {
  private static final long CLOSED = 0;

  /** A probe is in flight: everybody else fails fast until it reports. */
  private static final long PROBING = -1;

  private final long openNanos;
  private final LongSupplier clock;

  /** CLOSED, PROBING, or the nanoTime until which the breaker stays open. */
  private final AtomicLong state = new AtomicLong(CLOSED);

  StoreBreaker(long openNanos, LongSupplier clock) {
    this.openNanos = openNanos;
    this.clock = clock;
  }

  /** True when the caller may use the store now. */
  boolean tryAcquire() {
    long s = state.get();
    if (s == CLOSED) {
      return true;
    }
    if (s == PROBING) {
      return false;
    }
    // Open: the first caller after the deadline becomes the probe.
    return clock.getAsLong() - s >= 0 && state.compareAndSet(s, PROBING);
  }

  void onSuccess() {
    state.set(CLOSED);
  }

  void onFailure() {
    long until = clock.getAsLong() + openNanos;
    // Never 0 or -1: those are the other states.
    state.set(until == CLOSED || until == PROBING ? until + 2 : until);
  }

  boolean isOpen() {
    return state.get() != CLOSED;
  }
}
