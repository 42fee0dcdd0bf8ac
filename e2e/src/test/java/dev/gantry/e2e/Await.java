package dev.gantry.e2e;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition and measures how long it took: convergence times come from here. */
final class Await {

  private Await() {}

  /**
   * Polls every 25 ms until {@code condition} holds; returns the milliseconds it took, or fails
   * with {@code what} and the last {@code state} after {@code timeout}.
   */
  static long until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return (System.nanoTime() - start) / 1_000_000;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            what + ": not after " + timeout.toSeconds() + " s (last state: " + state.get() + ")");
      }
      try {
        Thread.sleep(25);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(what + ": interrupted", e);
      }
    }
  }

  static long until(String what, Duration timeout, BooleanSupplier condition) {
    return until(what, timeout, condition, () -> "-");
  }
}
