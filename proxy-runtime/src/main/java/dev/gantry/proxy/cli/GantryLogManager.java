package dev.gantry.proxy.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.LogManager;

/**
 * The JDK's log manager, except that its shutdown hook waits for the drain to finish. The JDK
 * registers a hook that resets logging (removes every handler); JVM shutdown hooks run
 * concurrently, so without this the drain's phase logs, written from the drain hook seconds after
 * SIGTERM, would go nowhere. Installed by {@link GantryCli#main} through the {@code
 * java.util.logging.manager} system property.
 */
public final class GantryLogManager extends LogManager {
  /** The longest the reset waits: a drain is bounded by its settings; this is a backstop. */
  private static final long MAX_HOLD_SECONDS = 600;

  private static final CountDownLatch RELEASED = new CountDownLatch(1);
  private static volatile boolean holding;

  public GantryLogManager() {
    super();
  }

  /** Keeps logging working through JVM shutdown until {@link #release()}. */
  static void hold() {
    holding = true;
  }

  static void release() {
    RELEASED.countDown();
  }

  @Override
  public void reset() {
    if (holding) {
      try {
        RELEASED.await(MAX_HOLD_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    super.reset();
  }
}
