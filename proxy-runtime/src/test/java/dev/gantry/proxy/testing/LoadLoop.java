package dev.gantry.proxy.testing;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Continuous load for resilience tests: {@code clients} threads, each sending GETs back to back on
 * a keep-alive connection to the proxy (a new connection after an error), until {@link #stop}.
 * Tallies statuses and which backend answered (the response body, or a key a test derives).
 */
public final class LoadLoop implements AutoCloseable {
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final long createdNanos = System.nanoTime();
  private volatile boolean running = true;
  private final LongAdder total = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Map<String, LongAdder> byBackend = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> lastSeenNanos = new ConcurrentHashMap<>();
  private final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();

  /** Starts the clients; {@code key} maps a 2xx response to the backend it came from. */
  public LoadLoop(
      int proxyPort,
      int clients,
      String host,
      String path,
      Function<RawHttp.Response, String> key) {
    for (int i = 0; i < clients; i++) {
      Thread t =
          new Thread(
              () -> {
                RawHttp c = null;
                while (running) {
                  long t0 = System.nanoTime();
                  try {
                    if (c == null) {
                      c = new RawHttp(proxyPort);
                    }
                    RawHttp.Response r = c.get(host, path);
                    total.increment();
                    byStatus.computeIfAbsent(r.status(), s -> new LongAdder()).increment();
                    String b = r.status() / 100 == 2 ? key.apply(r) : null;
                    if (b != null) {
                      byBackend.computeIfAbsent(b, x -> new LongAdder()).increment();
                      lastSeenNanos
                          .computeIfAbsent(b, x -> new AtomicLong())
                          .set(System.nanoTime());
                    } else {
                      failed.increment();
                      note(t0, "status " + r.status() + " " + r.headers());
                    }
                    if ("close".equalsIgnoreCase(r.header("connection"))) {
                      c.close();
                      c = null;
                    }
                  } catch (IOException | RuntimeException e) {
                    total.increment();
                    failed.increment();
                    byStatus.computeIfAbsent(-1, s -> new LongAdder()).increment();
                    note(t0, e.toString());
                    closeQuietly(c);
                    c = null;
                  }
                }
                closeQuietly(c);
              },
              "load-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void note(long startNanos, String what) {
    if (failures.size() < 20) {
      failures.add(
          String.format(
              "after %d ms (took %d ms): %s",
              (startNanos - createdNanos) / 1_000_000,
              (System.nanoTime() - startNanos) / 1_000_000,
              what));
    }
  }

  /** The first failures: when, how long they took, what they were. */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  private static void closeQuietly(RawHttp c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // the connection is gone either way
      }
    }
  }

  public void stop() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join(20_000);
    }
  }

  public long total() {
    return total.sum();
  }

  public long failed() {
    return failed.sum();
  }

  public long count(String backend) {
    LongAdder a = byBackend.get(backend);
    return a == null ? 0 : a.sum();
  }

  /** {@link System#nanoTime()} of the last 2xx answer from {@code backend}, or 0. */
  public long lastSeenNanos(String backend) {
    AtomicLong a = lastSeenNanos.get(backend);
    return a == null ? 0 : a.get();
  }

  public Map<Integer, Long> statuses() {
    Map<Integer, Long> m = new java.util.TreeMap<>();
    byStatus.forEach((k, v) -> m.put(k, v.sum()));
    return m;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
