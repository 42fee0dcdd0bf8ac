package dev.gantry.proxy;

import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.observe.Observability;
import dev.gantry.proxy.observe.ObservabilitySettings;
import dev.gantry.proxy.observe.ObservabilitySettings.AccessLogFormat;
import dev.gantry.proxy.observe.TraceParent;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * W3C trace context through a real proxy and span export to a real OTLP/HTTP receiver on loopback,
 * which decodes what it gets with the OTLP protobuf classes.
 */
@ExtendWith(LeakGuard.class)
class TracingIT {
  private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";

  private final List<Span> received = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private HttpServer receiver;
  private EchoServer v1;

  @BeforeEach
  void start() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
    receiver.createContext(
        "/",
        ex -> {
          paths.add(
              ex.getRequestURI().getPath() + " " + ex.getRequestHeaders().getFirst("Content-Type"));
          ExportTraceServiceRequest req =
              ExportTraceServiceRequest.parseFrom(ex.getRequestBody().readAllBytes());
          for (ResourceSpans rs : req.getResourceSpansList()) {
            for (ScopeSpans ss : rs.getScopeSpansList()) {
              received.addAll(ss.getSpansList());
            }
          }
          ex.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    receiver.start();
    v1 = EchoServer.start("127.0.0.1", 0, "v1");
  }

  @AfterEach
  void stop() {
    v1.close();
    receiver.stop(0);
  }

  /**
   * Sends requests through a proxy exporting to the receiver with {@code ratio}; returns echoes.
   */
  private List<JsonNode> through(double ratio, List<String[]> requestHeaders) {
    Observability obs =
        Observability.create(
            new ObservabilitySettings(
                AccessLogFormat.OFF,
                1,
                null,
                ObservabilitySettings.DEFAULT_QUEUE,
                URI.create("http://127.0.0.1:" + receiver.getAddress().getPort()),
                ratio,
                "gantry-test"),
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    List<JsonNode> echoes = new ArrayList<>();
    try (GantryProxy p =
        GantryProxy.start(
            new ProxySettings(
                "127.0.0.1",
                c -> 0,
                1,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                "ns/gw"),
            obs)) {
      p.apply(
          new Snap()
              .cluster("v1", v1.port())
              .listener("http", 80, null)
              .route("http", "*", prefix("/"), forward("traced", "v1"))
              .build());
      try (RawHttp c = new RawHttp(p.boundPort(80))) {
        for (String[] headers : requestHeaders) {
          RawHttp.Response r = c.get("api.example", "/orders/7", headers);
          assertThat(r.status()).isEqualTo(200);
          echoes.add(ProxyFixture.json(r).path("headers"));
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      // Shutting down exports what the batch processor still holds.
      obs.close();
    }
    return echoes;
  }

  @Test
  void aSampledClientTraceIsContinuedUpstreamAndExportedAsAServerSpan() {
    JsonNode upstream =
        through(
                0.0,
                List.<String[]>of(
                    new String[] {
                      "traceparent: 00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01",
                      "tracestate: vendor=opaque"
                    }))
            .get(0);

    TraceParent sent = TraceParent.parse(upstream.path("traceparent").asText());
    assertThat(sent).isNotNull();
    assertThat(sent.traceId()).isEqualTo(CLIENT_TRACE);
    assertThat(sent.spanId()).isNotEqualTo(CLIENT_SPAN);
    assertThat(sent.sampled()).isTrue();
    assertThat(upstream.path("tracestate").asText()).isEqualTo("vendor=opaque");

    // Ratio 0 for new traces, but the client's sampled flag wins (parent-based).
    assertThat(received).hasSize(1);
    assertThat(paths).containsExactly("/v1/traces application/x-protobuf");
    Span span = received.get(0);
    HexFormat hex = HexFormat.of();
    assertThat(hex.formatHex(span.getTraceId().toByteArray())).isEqualTo(CLIENT_TRACE);
    assertThat(hex.formatHex(span.getParentSpanId().toByteArray())).isEqualTo(CLIENT_SPAN);
    // The upstream's parent is this proxy's span.
    assertThat(hex.formatHex(span.getSpanId().toByteArray())).isEqualTo(sent.spanId());
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(span.getName()).isEqualTo("GET traced/match/0");
    assertThat(attribute(span, "http.request.method")).isEqualTo("GET");
    assertThat(attribute(span, "http.response.status_code")).isEqualTo("200");
    assertThat(attribute(span, "url.path")).isEqualTo("/orders/7");
    assertThat(attribute(span, "server.address")).isEqualTo("api.example");
    assertThat(attribute(span, "gantry.route")).isEqualTo("traced/match/0");
    assertThat(attribute(span, "gantry.cluster")).isEqualTo("v1");
    assertThat(attribute(span, "network.peer.port")).isEqualTo(Integer.toString(v1.port()));
    assertThat(span.getEndTimeUnixNano()).isGreaterThan(span.getStartTimeUnixNano());
  }

  @Test
  void unsampledAndMissingContextsArePropagatedButNotExported() {
    List<JsonNode> upstream =
        through(
            0.0,
            List.of(
                new String[] {"traceparent: 00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-00"},
                new String[] {},
                new String[] {"traceparent: 00-NOT-HEX", "tracestate: stale=1"}));

    TraceParent unsampled = TraceParent.parse(upstream.get(0).path("traceparent").asText());
    assertThat(unsampled.traceId()).isEqualTo(CLIENT_TRACE);
    assertThat(unsampled.sampled()).isFalse();

    // No context: a new trace, sent with the sampled flag off (ratio 0 did not record it).
    TraceParent fresh = TraceParent.parse(upstream.get(1).path("traceparent").asText());
    assertThat(fresh).isNotNull();
    assertThat(fresh.traceId()).isNotEqualTo(CLIENT_TRACE);
    assertThat(fresh.sampled()).isFalse();

    // A malformed traceparent starts a new trace and its tracestate is dropped (W3C §3.3).
    TraceParent replaced = TraceParent.parse(upstream.get(2).path("traceparent").asText());
    assertThat(replaced).isNotNull();
    assertThat(upstream.get(2).has("tracestate")).isFalse();

    assertThat(received).isEmpty();
  }

  @Test
  void ratioOneRecordsNewTraces() {
    JsonNode upstream = through(1.0, List.<String[]>of(new String[] {})).get(0);
    TraceParent sent = TraceParent.parse(upstream.path("traceparent").asText());
    assertThat(sent.sampled()).isTrue();
    assertThat(received).hasSize(1);
    assertThat(HexFormat.of().formatHex(received.get(0).getTraceId().toByteArray()))
        .isEqualTo(sent.traceId());
    assertThat(received.get(0).getParentSpanId().isEmpty()).isTrue();
  }

  private static String attribute(Span span, String key) {
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        var v = kv.getValue();
        return v.hasIntValue() ? Long.toString(v.getIntValue()) : v.getStringValue();
      }
    }
    return null;
  }
}
