package dev.gantry.proxy.bench;

import static dev.gantry.proxy.testing.RateLimits.header;
import static dev.gantry.proxy.testing.RateLimits.limit;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.routing.RateLimit;
import dev.gantry.proxy.ratelimit.RateLimitDecision;
import dev.gantry.proxy.ratelimit.RateLimitEngine;
import dev.gantry.proxy.ratelimit.RateLimitSettings;
import dev.gantry.proxy.ratelimit.RateLimitStep;
import dev.gantry.proxy.route.RequestView;
import dev.gantry.proxy.testing.RateLimits;
import dev.gantry.proxy.testing.RedisServers;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The latency a rate-limit check adds to a request: the whole {@link RateLimitStep#check} (key
 * building, bucket lookup, consumption, header value) for a Local limit and for a Global one
 * against the Redis in {@code GANTRY_TEST_REDIS}; {@code none} is a request without a policy (the
 * proxy then does not call the step at all, so this is the cost of building the request view). 64
 * distinct API keys rotate so the per-key cache is exercised, and the rate is high enough that
 * every check passes (the allowed path is the one every request pays).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RateLimitCheckBenchmark {
  @Param({"none", "local", "global"})
  String scope;

  RateLimitEngine engine;
  RateLimitStep step;
  HttpHeaders[] headers;
  InetSocketAddress peer = new InetSocketAddress("10.1.2.3", 50000);
  int next;

  @Setup(Level.Trial)
  public void setup() {
    String url = scope.equals("global") ? RedisServers.sharedUrl() : null;
    engine =
        new RateLimitEngine(
            new RateLimitSettings(url, Duration.ofSeconds(1), null, 0, true, 100_000),
            new SimpleMeterRegistry(),
            "bench");
    RateLimit rl =
        RateLimits.of(
            "bench-" + System.nanoTime(),
            scope.equals("global") ? RateLimit.Scope.GLOBAL : RateLimit.Scope.LOCAL,
            null,
            false,
            limit("per-key", 1_000_000_000L, 3_600_000, header("x-api-key")));
    GatewaySnapshot snap =
        new Snap()
            .cluster("c", 8080)
            .rateLimit(rl)
            .listener("http", 80, null)
            .route(
                "http",
                "*",
                Snap.prefix("/"),
                Snap.forward("r", "c").withPolicies(RateLimits.refs(rl.name())))
            .build();
    step =
        scope.equals("none")
            ? null
            : engine.compile(snap).step(List.of(), RateLimits.refs(rl.name()), false);
    headers = new HttpHeaders[64];
    for (int i = 0; i < headers.length; i++) {
      headers[i] = new DefaultHttpHeaders().add("x-api-key", "key-" + i);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    engine.close();
  }

  @Benchmark
  public Object check() {
    HttpHeaders h = headers[next++ & 63];
    RequestView view = RequestView.of("GET", "/orders/42?x=1", h);
    if (step == null) {
      return view;
    }
    RateLimitDecision d = step.check(view, peer, h).join();
    if (!d.allowed()) {
      throw new IllegalStateException("benchmark limit reached: " + d);
    }
    return d;
  }
}
