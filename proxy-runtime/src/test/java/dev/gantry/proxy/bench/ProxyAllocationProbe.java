package dev.gantry.proxy.bench;

import dev.gantry.proxy.GantryProxy;
import dev.gantry.proxy.ProxySettings;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;

/**
 * Bytes allocated per proxied request by the proxy's own threads, from the JVM's per-thread
 * allocation counters: unlike {@code -prof gc}, the client and the echo upstream in the same JVM
 * are not counted. Run with leak detection disabled:
 *
 * <pre>
 * java -Dio.netty.leakDetection.level=disabled -cp ... dev.gantry.proxy.bench.ProxyAllocationProbe
 * </pre>
 */
public final class ProxyAllocationProbe {
  private ProxyAllocationProbe() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    try (EchoServer echo = EchoServer.start("127.0.0.1", 0, "probe");
        GantryProxy proxy =
            GantryProxy.start(
                new ProxySettings(
                    "127.0.0.1",
                    p -> 0,
                    1,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    ""))) {
      proxy.apply(
          new Snap()
              .cluster("c", echo.port())
              .listener("http", 80, null)
              .route("http", "*", Snap.prefix("/"), Snap.forward("r", "c"))
              .build());
      try (RawHttp client = new RawHttp(proxy.boundPort(80))) {
        run(client, n); // warm-up: JIT, pools, pooled upstream connection
        long before = proxyThreadBytes();
        long t0 = System.nanoTime();
        run(client, n);
        long t1 = System.nanoTime();
        long bytes = proxyThreadBytes() - before;
        System.out.printf(
            "requests=%d proxy-thread bytes/request=%.0f mean round trip=%.1f us%n",
            n, bytes / (double) n, (t1 - t0) / 1000.0 / n);
      }
    }
  }

  private static void run(RawHttp client, int n) throws Exception {
    for (int i = 0; i < n; i++) {
      if (client.get("probe.example", "/items?id=1").status() != 200) {
        throw new IllegalStateException("request " + i + ": not 200");
      }
    }
  }

  static long proxyThreadBytes() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("gantry-io")) {
        total += mx.getThreadAllocatedBytes(t.threadId());
      }
    }
    return total;
  }
}
