package dev.gantry.operator;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The operator pod's probe and scrape endpoints: {@code /ready} and {@code /live} on the health
 * port, Prometheus {@code /metrics} on the metrics port (separate ports, as the chart declares
 * them, so a NetworkPolicy can open metrics to the scraper alone). Served by the JDK's HTTP server:
 * three tiny GET handlers do not justify a framework.
 */
public final class OperatorEndpoints implements AutoCloseable {

  private final HttpServer health;
  private final HttpServer metrics;
  private final ExecutorService executor;

  private OperatorEndpoints(HttpServer health, HttpServer metrics, ExecutorService executor) {
    this.health = health;
    this.metrics = metrics;
    this.executor = executor;
  }

  public static OperatorEndpoints start(
      InetSocketAddress healthAddress,
      InetSocketAddress metricsAddress,
      BooleanSupplier ready,
      BooleanSupplier live,
      PrometheusMeterRegistry registry) {
    // Virtual threads: a slow scraper or prober never holds a platform thread.
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    HttpServer health = bind(healthAddress, "--health-port");
    HttpServer metrics = bind(metricsAddress, "--metrics-port");
    health.createContext("/ready", ex -> probe(ex, ready));
    health.createContext("/live", ex -> probe(ex, live));
    metrics.createContext(
        "/metrics",
        ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    health.setExecutor(executor);
    metrics.setExecutor(executor);
    health.start();
    metrics.start();
    return new OperatorEndpoints(health, metrics, executor);
  }

  public int healthPort() {
    return health.getAddress().getPort();
  }

  public int metricsPort() {
    return metrics.getAddress().getPort();
  }

  private static HttpServer bind(InetSocketAddress address, String option) {
    try {
      return HttpServer.create(address, 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          option + ": " + address + " (expected: a free port): " + e.getMessage(), e);
    }
  }

  private static void probe(HttpExchange ex, BooleanSupplier check) throws IOException {
    boolean ok = check.getAsBoolean();
    respond(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "ok\n" : "not ready\n");
  }

  private static void respond(HttpExchange ex, int status, String contentType, String body)
      throws IOException {
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", contentType);
      if ("HEAD".equals(ex.getRequestMethod())) {
        ex.sendResponseHeaders(status, -1);
        return;
      }
      ex.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    health.stop(0);
    metrics.stop(0);
    executor.close();
  }
}
