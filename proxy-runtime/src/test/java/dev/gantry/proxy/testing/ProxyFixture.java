package dev.gantry.proxy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.proxy.GantryProxy;
import dev.gantry.proxy.ProxySettings;
import dev.gantry.proxy.echo.EchoServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A real proxy on ephemeral loopback ports with three echo backends (v1, v2, v3) for ITs. Every
 * configured listener port is bound to an ephemeral port; {@link #port(int)} maps it back.
 */
public final class ProxyFixture implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  public final EchoServer v1 = EchoServer.start("127.0.0.1", 0, "v1");
  public final EchoServer v2 = EchoServer.start("127.0.0.1", 0, "v2");
  public final EchoServer v3 = EchoServer.start("127.0.0.1", 0, "v3");
  public final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  public final GantryProxy proxy;

  public ProxyFixture() {
    this(dev.gantry.proxy.ratelimit.RateLimitSettings.defaults());
  }

  /** A fixture whose proxy enforces rate limits with {@code rateLimits}. */
  public ProxyFixture(dev.gantry.proxy.ratelimit.RateLimitSettings rateLimits) {
    proxy =
        GantryProxy.start(new ProxySettings("127.0.0.1", p -> 0, 2, registry, "ns/gw", rateLimits));
  }

  /** A builder with clusters v1, v2, v3 (HTTP/1.1) already declared. */
  public Snap snap() {
    return new Snap().cluster("v1", v1.port()).cluster("v2", v2.port()).cluster("v3", v3.port());
  }

  public GatewaySnapshot apply(Snap snap) {
    GatewaySnapshot s = snap.build();
    proxy.apply(s);
    return s;
  }

  public int port(int configuredPort) {
    return proxy.boundPort(configuredPort);
  }

  /** One request on a fresh connection. */
  public RawHttp.Response get(int configuredPort, String host, String target, String... headers) {
    return exchange(configuredPort, "GET", host, target, null, headers);
  }

  public RawHttp.Response exchange(
      int configuredPort, String method, String host, String target, String body, String... hs) {
    try (RawHttp c = new RawHttp(port(configuredPort))) {
      return c.exchange(method, host, target, body, hs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The backend name in an echo response body (v1, v2, v3), or null for a non-echo body. */
  public static String backend(RawHttp.Response r) {
    JsonNode n = json(r);
    return n == null ? null : n.path("name").asText(null);
  }

  public static JsonNode json(RawHttp.Response r) {
    if (r.body() == null || !r.body().startsWith("{")) {
      return null;
    }
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    proxy.close();
    v1.close();
    v2.close();
    v3.close();
  }
}
