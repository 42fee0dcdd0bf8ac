package dev.gantry.operator.status;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@link StatusWriter} on one thread, coalescing requests: a burst of ACKs from ten
 * proxies, or a reconcile followed by those ACKs, becomes one flush (and usually one write) per
 * Gateway. One thread also means two writes of the same object never race each other.
 */
public final class StatusFlusher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(StatusFlusher.class.getName());

  private final StatusWriter writer;
  private final long delayMillis;
  private final ScheduledExecutorService executor =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "gantry-status-writer");
            t.setDaemon(true);
            return t;
          });
  private final Set<String> pendingGateways = ConcurrentHashMap.newKeySet();
  private final Set<String> pendingClasses = ConcurrentHashMap.newKeySet();

  public StatusFlusher(StatusWriter writer, Duration delay) {
    this.writer = writer;
    this.delayMillis = delay.toMillis();
  }

  public void gateway(String gatewayKey) {
    if (pendingGateways.add(gatewayKey)) {
      executor.schedule(() -> runGateway(gatewayKey), delayMillis, TimeUnit.MILLISECONDS);
    }
  }

  public void gatewayClass(String name) {
    if (pendingClasses.add(name)) {
      executor.schedule(
          () -> {
            pendingClasses.remove(name);
            try {
              writer.flushGatewayClass(name);
            } catch (RuntimeException e) {
              LOG.log(System.Logger.Level.WARNING, "GatewayClass " + name + " status: " + e);
            }
          },
          delayMillis,
          TimeUnit.MILLISECONDS);
    }
  }

  /** Everything the writer knows about: used when this replica becomes leader. */
  public void all() {
    writer.gatewayClassNames().forEach(this::gatewayClass);
    writer.gatewayKeys().forEach(this::gateway);
  }

  private void runGateway(String gatewayKey) {
    pendingGateways.remove(gatewayKey);
    try {
      if (writer.flushGateway(gatewayKey) == StatusWriter.Flush.RETRY_LATER) {
        gateway(gatewayKey);
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "Gateway " + gatewayKey + " status: " + e);
    }
  }

  /** Waits until every flush requested so far has run (tests and orderly shutdown). */
  public void awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while ((!pendingGateways.isEmpty() || !pendingClasses.isEmpty())
        && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
