package dev.gantry.proxy.bench;

import com.sun.net.httpserver.HttpServer;
import dev.gantry.proxy.GantryProxy;
import dev.gantry.proxy.ProxySettings;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.observe.Observability;
import dev.gantry.proxy.observe.ObservabilitySettings;
import dev.gantry.proxy.observe.ObservabilitySettings.AccessLogFormat;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What metrics, sampled access logs and tracing cost per request, as event-loop CPU time and bytes
 * allocated by the proxy's threads per proxied request, measured in interleaved rounds (off,
 * metrics, metrics + 1 % logs, metrics + 1 % logs + 1 % traces, then again) and reported as the
 * median of the per-round ratios to "off". Per-thread CPU time is much less disturbed by a shared
 * machine than throughput, which is why this complements {@code benchmarks/run --scenarios
 * observe}. Also counts the CPU of the access-log writer and the span exporter (off-loop work).
 *
 * <pre>
 * java -Dio.netty.leakDetection.level=disabled -cp ... dev.gantry.proxy.bench.ObservabilityOverheadProbe [requests] [rounds]
 * </pre>
 */
public final class ObservabilityOverheadProbe {
  private ObservabilityOverheadProbe() {}

  private record Variant(String name, boolean metrics, ObservabilitySettings settings) {}

  private record Sample(double loopCpuNs, double offLoopCpuNs, double bytes) {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Files.createTempDirectory("gantry-obs-probe");
    HttpServer otlp =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    otlp.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    otlp.start();
    URI endpoint = URI.create("http://127.0.0.1:" + otlp.getAddress().getPort());
    int q = ObservabilitySettings.DEFAULT_QUEUE;
    List<Variant> variants =
        List.of(
            new Variant("off", false, ObservabilitySettings.off()),
            new Variant("metrics", true, ObservabilitySettings.off()),
            new Variant(
                "metrics+log1%",
                true,
                new ObservabilitySettings(
                    AccessLogFormat.JSON, 0.01, dir.resolve("a.log"), q, null, 1, null)),
            new Variant(
                "metrics+log1%+trace1%",
                true,
                new ObservabilitySettings(
                    AccessLogFormat.JSON, 0.01, dir.resolve("b.log"), q, endpoint, 0.01, null)));
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    try (EchoServer echo = EchoServer.start("127.0.0.1", 0, "probe")) {
      List<AutoCloseable> open = new ArrayList<>();
      List<RawHttp> clients = new ArrayList<>();
      for (Variant v : variants) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        if (!v.metrics()) {
          registry.config().meterFilter(MeterFilter.denyNameStartsWith("gantry"));
        }
        Observability obs = Observability.create(v.settings(), registry);
        GantryProxy proxy =
            GantryProxy.start(new ProxySettings("127.0.0.1", p -> 0, 1, registry, "probe"), obs);
        proxy.apply(
            new Snap()
                .cluster("c", echo.port())
                .listener("http", 80, null)
                .route("http", "*", Snap.prefix("/"), Snap.forward("r", "c"))
                .build());
        open.add(0, obs);
        open.add(0, proxy);
        RawHttp client = new RawHttp(proxy.boundPort(80));
        open.add(0, client);
        clients.add(client);
        run(client, n); // warm-up: JIT, pools, the pooled upstream connection
        samples.put(v.name(), new ArrayList<>());
      }
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < variants.size(); i++) {
          long[] before = cpuAndBytes();
          run(clients.get(i), n);
          // Let the writer and the exporter catch up, so their CPU lands in this sample.
          Thread.sleep(1200);
          long[] after = cpuAndBytes();
          Sample s =
              new Sample(
                  (after[0] - before[0]) / (double) n,
                  (after[1] - before[1]) / (double) n,
                  (after[2] - before[2]) / (double) n);
          samples.get(variants.get(i).name()).add(s);
          System.out.printf(
              "round %d %-22s loop CPU %7.0f ns/req  off-loop CPU %6.0f ns/req  %6.0f B/req%n",
              r + 1, variants.get(i).name(), s.loopCpuNs(), s.offLoopCpuNs(), s.bytes());
        }
      }
      for (AutoCloseable c : open) {
        c.close();
      }
    } finally {
      otlp.stop(0);
    }
    List<Sample> off = samples.get("off");
    for (var e : samples.entrySet()) {
      List<Double> cpu = new ArrayList<>();
      List<Double> total = new ArrayList<>();
      List<Double> bytes = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        Sample s = e.getValue().get(r);
        Sample o = off.get(r);
        cpu.add(s.loopCpuNs() / o.loopCpuNs());
        total.add((s.loopCpuNs() + s.offLoopCpuNs()) / (o.loopCpuNs() + o.offLoopCpuNs()));
        bytes.add(s.bytes() / o.bytes());
      }
      System.out.printf(
          "%-22s loop CPU x off %.3f  loop+writer+exporter CPU x off %.3f  bytes x off %.3f"
              + "  (medians of %d rounds; loop CPU median %.0f ns/req)%n",
          e.getKey(),
          median(cpu),
          median(total),
          median(bytes),
          rounds,
          median(e.getValue().stream().map(Sample::loopCpuNs).toList()));
    }
  }

  private static void run(RawHttp client, int n) throws Exception {
    int failed = 0;
    for (int i = 0; i < n; i++) {
      int status = client.get("probe.example", "/items?id=1").status();
      if (status != 200) {
        failed++;
        System.out.println("request " + i + ": status " + status);
      }
    }
    if (failed > n / 1000) {
      throw new IllegalStateException(failed + " of " + n + " requests failed");
    }
  }

  /** CPU ns of the event loops, CPU ns of the writer and exporter threads, loop bytes. */
  private static long[] cpuAndBytes() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long loopCpu = 0;
    long offLoopCpu = 0;
    long bytes = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      if (name.startsWith("gantry-io")) {
        loopCpu += Math.max(0, mx.getThreadCpuTime(t.threadId()));
        bytes += mx.getThreadAllocatedBytes(t.threadId());
      } else if (name.startsWith("gantry-access-log")
          || name.startsWith("BatchSpanProcessor")
          || name.startsWith("HttpClient")) {
        offLoopCpu += Math.max(0, mx.getThreadCpuTime(t.threadId()));
      }
    }
    return new long[] {loopCpu, offLoopCpu, bytes};
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    int m = s.size() / 2;
    return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
  }
}
