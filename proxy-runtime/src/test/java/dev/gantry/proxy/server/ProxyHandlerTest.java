package dev.gantry.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.filter.Header;
import dev.gantry.model.routing.filter.HeaderModifier;
import dev.gantry.model.routing.filter.RequestRedirect;
import dev.gantry.model.routing.filter.ResponseHeaderModifier;
import dev.gantry.proxy.metrics.ProxyMetrics;
import dev.gantry.proxy.route.ConfigCompiler;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The request path through {@link ProxyHandler} on an {@link EmbeddedChannel}: answers the gateway
 * gives itself (404, redirects, direct responses, invalid shares) and hop-by-hop stripping, with no
 * sockets.
 */
@ExtendWith(LeakGuard.class)
class ProxyHandlerTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ProxyRuntime rt =
      new ProxyRuntime(new ProxyMetrics(registry, "gw"), Transport.best());

  private FullHttpResponse send(Snap snap, String host, String uri) {
    rt.swap(new ConfigCompiler(registry, "gw").compile(snap.build()));
    EmbeddedChannel ch = new EmbeddedChannel(new ProxyHandler(rt, 80, false));
    DefaultFullHttpRequest req =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    req.headers().set(HttpHeaderNames.HOST, host);
    ch.writeInbound(req);
    FullHttpResponse res = ch.readOutbound();
    ch.finishAndReleaseAll();
    return res;
  }

  private static Snap base() {
    return new Snap().cluster("c").cluster("ok", 1).listener("l", 80, "example.com");
  }

  @Test
  void unknownHostOrPathIs404() {
    Snap s = base().route("l", "example.com", Snap.exact("/x"), Snap.forward("r", "c"));
    FullHttpResponse a = send(s, "other.com", "/x");
    assertThat(a.status().code()).isEqualTo(404);
    a.release();
    FullHttpResponse b = send(s, "example.com", "/y");
    assertThat(b.status().code()).isEqualTo(404);
    b.release();
    assertThat(
            registry
                .get("gantry.requests")
                .tag("route", "none")
                .tag("status_class", "4xx")
                .counter()
                .count())
        .isEqualTo(2.0);
  }

  @Test
  void redirectIsAnsweredByTheGateway() {
    Snap s =
        base()
            .route(
                "l",
                "example.com",
                Snap.prefix("/"),
                Snap.rule(
                    "r",
                    List.of(new RequestRedirect("https", "example.org", null, null, 301)),
                    List.of()));
    FullHttpResponse r = send(s, "example.com:80", "/a?b=c");
    assertThat(r.status().code()).isEqualTo(301);
    assertThat(r.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("https://example.org/a?b=c");
    r.release();
  }

  @Test
  void directResponseAndNoEndpointsAndInvalidBackend() {
    Snap s =
        base()
            .route(
                "l",
                "example.com",
                Snap.prefix("/direct"),
                Snap.rule(
                    "d",
                    List.of(
                        new ResponseHeaderModifier(
                            new HeaderModifier(List.of(new Header("a", "b")), null, null))),
                    List.of(),
                    500,
                    null,
                    null))
            .route("l", "example.com", Snap.prefix("/empty"), Snap.forward("e", "c"))
            .route(
                "l",
                "example.com",
                Snap.prefix("/invalid"),
                Snap.rule("i", List.of(), List.of(Snap.invalidBackend(1))));
    for (String[] c : new String[][] {{"/direct", "500"}, {"/empty", "503"}, {"/invalid", "500"}}) {
      FullHttpResponse r = send(s, "example.com", c[0]);
      assertThat(r.status().code()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
      r.release();
    }
  }

  @Test
  void hopByHopHeadersAndTheHeadersConnectionNamesAreStripped() {
    DefaultHttpHeaders h = new DefaultHttpHeaders();
    h.add("Connection", "close, X-Private").add("X-Private", "1").add("Keep-Alive", "5");
    h.add("Transfer-Encoding", "chunked").add("Upgrade", "h2c").add("TE", "trailers");
    h.add("Proxy-Connection", "keep-alive").add("Trailer", "x").add("x-http2-stream-id", "3");
    h.add("X-Kept", "yes");
    HopByHop.strip(h);
    assertThat(h.names()).containsExactly("X-Kept");
  }
}
