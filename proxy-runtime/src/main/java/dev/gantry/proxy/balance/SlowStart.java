package dev.gantry.proxy.balance;

/**
 * Slow start: an endpoint that just joined gets a share that grows linearly from {@link
 * #MIN_PERCENT} % to 100 % over the window, so a cold JVM or an empty cache behind it is not
 * flooded the moment it becomes ready.
 */
final class SlowStart {
  /** The share a brand-new endpoint gets; never zero, or it would never warm up at all. */
  static final int MIN_PERCENT = 10;

  private final long windowNanos;

  SlowStart(long windowMs) {
    this.windowNanos = windowMs * 1_000_000L;
  }

  boolean enabled() {
    return windowNanos > 0;
  }

  /** The weight of an endpoint, 10..100, at {@code nowNanos}. */
  int weightPercent(long addedAtNanos, long nowNanos) {
    if (windowNanos <= 0) {
      return 100;
    }
    long age = nowNanos - addedAtNanos;
    if (age >= windowNanos || age < 0) {
      return 100;
    }
    return (int) Math.max(MIN_PERCENT, age * 100 / windowNanos);
  }
}
