package dev.gantry.proxy.bench;

import dev.gantry.proxy.GantryProxy;
import dev.gantry.proxy.ProxySettings;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One proxied GET over a keep-alive HTTP/1.1 connection (client → proxy → echo upstream, all on
 * loopback in this JVM). {@code -prof gc} reports the whole JVM's allocation (client and echo
 * server included); the {@code proxyBytes} counter isolates the proxy: bytes allocated by the
 * proxy's event-loop threads per request, read from the JVM's per-thread allocation counters.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class ProxiedRequestBenchmark {
  EchoServer echo;
  GantryProxy proxy;
  RawHttp client;

  @Setup
  public void setup() throws Exception {
    echo = EchoServer.start("127.0.0.1", 0, "bench");
    proxy =
        GantryProxy.start(
            new ProxySettings(
                "127.0.0.1", p -> 0, 1, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), ""));
    proxy.apply(
        new Snap()
            .cluster("c", echo.port())
            .listener("http", 80, null)
            .route("http", "*", Snap.prefix("/"), Snap.forward("r", "c"))
            .build());
    client = new RawHttp(proxy.boundPort(80));
  }

  @TearDown
  public void tearDown() throws Exception {
    client.close();
    proxy.close();
    echo.close();
  }

  /** Per-iteration counter of the proxy threads' allocation. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class ProxyAllocation {
    long startBytes;
    long requests;
    public double proxyBytesPerRequest;

    @Setup(Level.Iteration)
    public void start() {
      startBytes = proxyThreadBytes();
      requests = 0;
    }

    @TearDown(Level.Iteration)
    public void stop() {
      proxyBytesPerRequest =
          requests == 0 ? 0 : (proxyThreadBytes() - startBytes) / (double) requests;
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

  @Benchmark
  public int proxiedGet(ProxyAllocation alloc) throws Exception {
    alloc.requests++;
    return client.get("bench.example", "/items?id=1").status();
  }
}
