package dev.gantry.proxy.bench;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.routing.PathMatch;
import dev.gantry.model.routing.PathMatchType;
import dev.gantry.proxy.route.CompiledConfig;
import dev.gantry.proxy.route.CompiledPort;
import dev.gantry.proxy.route.CompiledRoute;
import dev.gantry.proxy.route.ConfigCompiler;
import dev.gantry.proxy.route.RequestView;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Route lookup (listener by Host, virtual host, first matching route) on tables of 1, 100 and
 * 10,000 routes. Each table mixes prefix, exact and header-conditioned routes behind one host, the
 * worst case for a single virtual host; the probed paths hit the last route and a miss (404).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouteLookupBenchmark {
  @Param({"1", "100", "10000"})
  int routes;

  CompiledPort port;
  HttpHeaders headers;
  String lastPath;

  @Setup
  public void setup() {
    Snap s = new Snap().cluster("c", 8080).listener("http", 80, "api.example.com");
    for (int i = 0; i < routes; i++) {
      switch (i % 3) {
        case 0 ->
            s.route(
                "http",
                "api.example.com",
                Snap.prefix("/svc" + i + "/api"),
                Snap.forward("r" + i, "c"));
        case 1 ->
            s.route(
                "http",
                "api.example.com",
                Snap.exact("/svc" + i + "/exact"),
                Snap.forward("r" + i, "c"));
        default ->
            s.route(
                "http",
                "api.example.com",
                Snap.match(
                    new PathMatch(PathMatchType.PATH_PREFIX, "/svc" + i),
                    List.of(Snap.header("x-tenant", "t" + i)),
                    null,
                    null),
                Snap.forward("r" + i, "c"));
      }
    }
    GatewaySnapshot snap = s.build();
    CompiledConfig config = new ConfigCompiler(new SimpleMeterRegistry(), "bench").compile(snap);
    port = config.port(80);
    headers = new DefaultHttpHeaders();
    headers.set("host", "api.example.com").set("x-tenant", "t" + (routes - 1));
    int last = routes - 1;
    lastPath =
        switch (last % 3) {
          case 0 -> "/svc" + last + "/api/items?x=1";
          case 1 -> "/svc" + last + "/exact";
          default -> "/svc" + last + "/x";
        };
  }

  @Benchmark
  public CompiledRoute lastRoute() {
    return port.route("api.example.com", RequestView.of("GET", lastPath, headers));
  }

  @Benchmark
  public CompiledRoute miss() {
    return port.route("api.example.com", RequestView.of("GET", "/nothing/here", headers));
  }
}
