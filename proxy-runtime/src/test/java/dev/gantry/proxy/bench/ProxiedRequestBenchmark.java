package dev.gantry.proxy.bench;

import dev.gantry.proxy.GantryProxy;
import dev.gantry.proxy.ProxySettings;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * loopback in this JVM). {@code -prof gc} reports the whole JVM's allocation per request, the
 * client and the echo server included; {@link ProxyAllocationProbe} isolates the proxy's threads.
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

  @Benchmark
  public int proxiedGet() throws Exception {
    return client.get("bench.example", "/items?id=1").status();
  }
}
