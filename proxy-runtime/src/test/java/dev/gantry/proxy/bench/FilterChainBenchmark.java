package dev.gantry.proxy.bench;

import dev.gantry.model.routing.filter.Header;
import dev.gantry.model.routing.filter.HeaderModifier;
import dev.gantry.model.routing.filter.PathModifier;
import dev.gantry.model.routing.filter.PathModifierType;
import dev.gantry.proxy.filter.HeaderOps;
import dev.gantry.proxy.filter.PathRewriter;
import dev.gantry.proxy.server.HopByHop;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request header work of the data path on a typical browser-sized header block (9 headers):
 * hop-by-hop stripping, which every proxied request and response pays; a request header modifier
 * (set 2, add 1, remove 1) and a prefix rewrite, the common filter chain. Each operation starts
 * from a fresh copy of the headers because the filters mutate them; {@link #copyOnly} is that copy
 * alone, to subtract. Run with {@code -prof gc} for bytes per operation.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled"})
public class FilterChainBenchmark {
  HttpHeaders template;
  HeaderOps requestOps;
  PathRewriter rewriter;

  @Setup
  public void setup() {
    template = new DefaultHttpHeaders();
    template
        .add("host", "api.example.com")
        .add("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0")
        .add("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        .add("accept-language", "en-GB,en;q=0.5")
        .add("accept-encoding", "gzip, deflate, br")
        .add("connection", "keep-alive")
        .add("cookie", "session=0123456789abcdef; theme=dark")
        .add("x-tenant", "t42")
        .add("upgrade-insecure-requests", "1");
    requestOps =
        new HeaderOps(
            new HeaderModifier(
                List.of(new Header("x-env", "prod"), new Header("x-tenant", "t1")),
                List.of(new Header("x-trace", "on")),
                List.of("cookie")));
    rewriter =
        new PathRewriter(new PathModifier(PathModifierType.REPLACE_PREFIX_MATCH, "/v2", "/api"));
  }

  @Benchmark
  public HttpHeaders copyOnly() {
    return template.copy();
  }

  @Benchmark
  public HttpHeaders hopByHop() {
    HttpHeaders h = template.copy();
    HopByHop.strip(h);
    return h;
  }

  @Benchmark
  public Object headerModifierAndRewrite() {
    HttpHeaders h = template.copy();
    HopByHop.strip(h);
    requestOps.apply(h);
    return rewriter.rewrite("/api/items/42");
  }
}
