package dev.gantry.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Continuous, bounded load through the load balancer: {@code workers} threads, each with its own
 * HTTP/1.1 client (so its own keep-alive connection), each sending GETs back to back with a short
 * pause. Every request is counted in the scenario that was current when it started; a failure is
 * any non-2xx answer or I/O error, kept with the server haproxy names and the status.
 *
 * <p>The JDK client replays an idempotent GET once when its pooled connection closes before an
 * answer, which would hide exactly the failures the SIGKILL scenario counts; the tier runs with
 * {@code -Djdk.httpclient.redirects.retrylimit=1} (failsafe's systemPropertyVariables), which caps
 * the client's attempts at one.
 */
final class LoadGenerator implements AutoCloseable {

  /** One failed request. {@code status} is -1 for an I/O error (no HTTP answer at all). */
  record Failure(long atMillis, int status, String server, String detail) {}

  /** The requests of one scenario. */
  static final class Scenario {
    final String name;
    final AtomicLong requests = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();
    final List<Failure> failures = new ArrayList<>();

    /** Answered requests per proxy, as haproxy names the server: proof the load was spread. */
    final java.util.concurrent.ConcurrentSkipListMap<String, java.util.concurrent.atomic.LongAdder>
        byServer = new java.util.concurrent.ConcurrentSkipListMap<>();

    final long startNanos = System.nanoTime();

    Scenario(String name) {
      this.name = name;
    }

    synchronized List<Failure> failures() {
      return List.copyOf(failures);
    }

    synchronized void fail(Failure f) {
      failures.add(f);
    }

    /** "proxy-1=120 proxy-2=118 ...". */
    String spread() {
      StringBuilder b = new StringBuilder();
      byServer.forEach((k, v) -> b.append(b.isEmpty() ? "" : " ").append(k).append('=').append(v));
      return b.toString();
    }

    long millisSinceStart() {
      return (System.nanoTime() - startNanos) / 1_000_000;
    }
  }

  private final URI uri;
  private final int workers;
  private final long maxRequests;
  private final Duration pause;
  private final AtomicLong sent = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private volatile Scenario current;
  private volatile boolean running = true;

  LoadGenerator(URI uri, int workers, Duration pause, long maxRequests, String firstScenario) {
    this.uri = uri;
    this.workers = workers;
    this.pause = pause;
    this.maxRequests = maxRequests;
    this.current = new Scenario(firstScenario);
  }

  void start() {
    for (int i = 0; i < workers; i++) {
      int id = i;
      threads.add(Thread.ofPlatform().name("e2e-load-" + id).daemon().start(this::loop));
    }
  }

  /** Starts counting into a new scenario; returns the previous one once its requests finished. */
  Scenario next(String name) {
    Scenario previous = current;
    current = new Scenario(name);
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (previous.inFlight.get() > 0 && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(10));
    }
    return previous;
  }

  /** The scenario requests are being counted in now. */
  Scenario current() {
    return current;
  }

  long sent() {
    return sent.get();
  }

  private void loop() {
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
    try (client) {
      while (running && sent.incrementAndGet() <= maxRequests) {
        Scenario s = current;
        s.inFlight.incrementAndGet();
        s.requests.incrementAndGet();
        try {
          HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
          s.byServer
              .computeIfAbsent(
                  r.headers().firstValue("x-e2e-lb-server").orElse("?"),
                  k -> new java.util.concurrent.atomic.LongAdder())
              .increment();
          if (r.statusCode() / 100 != 2) {
            s.fail(
                new Failure(
                    s.millisSinceStart(),
                    r.statusCode(),
                    r.headers().firstValue("x-e2e-lb-server").orElse("?"),
                    r.body().length() > 200 ? r.body().substring(0, 200) : r.body()));
          }
        } catch (java.io.IOException e) {
          s.fail(new Failure(s.millisSinceStart(), -1, "?", e.toString()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } finally {
          s.inFlight.decrementAndGet();
        }
        sleep(pause);
      }
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    running = false;
    for (Thread t : threads) {
      try {
        t.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
