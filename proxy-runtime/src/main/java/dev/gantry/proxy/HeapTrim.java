package dev.gantry.proxy;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.logging.Logger;

/**
 * One full collection after the first config is applied and before the proxy reports ready, when
 * the heap holds a lot.
 *
 * <p>Translating and compiling a large config (10,000 routes: YAML trees, Fabric8 objects, the
 * snapshot, then the compiled tables) keeps about 110 MiB reachable at its peak for a result of
 * about 40 MiB. Under the launcher's collector settings the heap grows to that peak and then stays
 * committed, so the proxy would carry the start-up peak as resident memory for its whole life. A
 * full collection right after the swap, while nothing is routed to the proxy yet, lets the
 * collector give that memory back (the heap shrinks to the live set plus {@code MaxHeapFreeRatio}).
 * Small configs skip it: it would only add to the time to ready.
 */
final class HeapTrim {
  private static final Logger LOG = Logger.getLogger(HeapTrim.class.getName());

  /** Below this much heap in use, a collection gives back too little to be worth the pause. */
  static final long THRESHOLD_BYTES = 64L << 20;

  private HeapTrim() {}

  static void afterFirstConfig() {
    MemoryUsage before = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    if (before.getUsed() < THRESHOLD_BYTES) {
      return;
    }
    long t0 = System.nanoTime();
    System.gc();
    MemoryUsage after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    LOG.info(
        () ->
            String.format(
                "heap after the first config: %d MiB in use of %d MiB committed, was %d of %d MiB"
                    + " (full collection, %d ms)",
                after.getUsed() >> 20,
                after.getCommitted() >> 20,
                before.getUsed() >> 20,
                before.getCommitted() >> 20,
                (System.nanoTime() - t0) / 1_000_000));
  }
}
