package dev.gantry.proxy.observe;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry SDK side: a tracer whose spans go through a batch processor to an OTLP/HTTP
 * exporter (protobuf over the JDK's HttpClient). Sampling is parent-based: a request that carries a
 * {@code traceparent} follows its sampled flag, a new trace is sampled with the configured ratio.
 *
 * <p>The decision is taken before the SDK is called ({@link Observability#startTrace}), and the SDK
 * is only asked for the spans that are recorded: an unsampled request then costs no span object, no
 * context and no clock read. The SDK's own sampler is therefore parent-based over "always on".
 */
final class SpanExport implements AutoCloseable {
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<String> PROTOCOL = AttributeKey.stringKey("network.protocol.version");
  static final AttributeKey<String> PEER = AttributeKey.stringKey("network.peer.address");
  static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("http.request.id");
  static final AttributeKey<String> GATEWAY = AttributeKey.stringKey("gantry.gateway");
  static final AttributeKey<String> ROUTE = AttributeKey.stringKey("gantry.route");
  static final AttributeKey<String> RULE = AttributeKey.stringKey("gantry.rule");
  static final AttributeKey<String> CLUSTER = AttributeKey.stringKey("gantry.cluster");
  static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("gantry.upstream.attempts");

  private final SdkTracerProvider provider;
  private final Tracer tracer;
  private final Clock clock = Clock.getDefault();
  private final double rootRatio;

  SpanExport(ObservabilitySettings settings) {
    rootRatio = settings.traceSampleRatio();
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(settings.tracesUrl())
            .setTimeout(Duration.ofSeconds(10))
            .build();
    provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"), settings.serviceName()))))
            .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
            // A short delay: spans of a proxy are small and many; a collector sees them promptly.
            .addSpanProcessor(
                BatchSpanProcessor.builder(exporter)
                    .setScheduleDelay(Duration.ofSeconds(1))
                    .setMaxQueueSize(8192)
                    .build())
            .build();
    tracer = provider.get("dev.gantry.proxy");
  }

  /** Whether a new trace (no parent) is recorded. */
  boolean sampleRoot() {
    return rootRatio >= 1
        || (rootRatio > 0
            && java.util.concurrent.ThreadLocalRandom.current().nextDouble() < rootRatio);
  }

  /**
   * Starts the request's server span (on the event loop: the sampling decision and the span id are
   * needed before the request goes upstream). {@code parent} is the client's sampled context, or
   * null for a new trace that {@link #sampleRoot} chose to record.
   */
  RequestTrace start(TraceParent parent, String method) {
    long start = clock.now();
    SpanBuilder b =
        tracer
            .spanBuilder(method)
            .setSpanKind(SpanKind.SERVER)
            .setStartTimestamp(start, TimeUnit.NANOSECONDS);
    if (parent == null) {
      b.setNoParent();
    } else {
      b.setParent(
          Context.root()
              .with(
                  Span.wrap(
                      SpanContext.createFromRemoteParent(
                          parent.traceId(),
                          parent.spanId(),
                          TraceFlags.fromByte(parent.flags()),
                          TraceState.getDefault()))));
    }
    Span span = b.startSpan();
    SpanContext sc = span.getSpanContext();
    TraceParent upstream =
        TraceParent.of(sc.getTraceId(), sc.getSpanId(), sc.getTraceFlags().asByte());
    return span.isRecording()
        ? new RequestTrace(upstream, span, start)
        : new RequestTrace(upstream, null, 0);
  }

  /** Fills in what the request turned out to be and ends its span (on the writer thread). */
  static void end(ExchangeRecord r) {
    Span span = r.trace().span();
    if (r.route() != null) {
      span.updateName(r.method() + " " + r.route());
    }
    span.setAttribute(METHOD, r.method());
    if (r.path() != null) {
      span.setAttribute(PATH, r.path());
    }
    if (r.authority() != null) {
      span.setAttribute(SERVER_ADDRESS, host(r.authority()));
    }
    span.setAttribute(PROTOCOL, r.protocol());
    span.setAttribute(GATEWAY, r.gateway());
    if (r.status() > 0) {
      span.setAttribute(STATUS, (long) r.status());
    }
    if (r.route() != null) {
      span.setAttribute(ROUTE, r.route());
      span.setAttribute(RULE, r.rule());
    }
    if (r.cluster() != null) {
      span.setAttribute(CLUSTER, r.cluster());
      span.setAttribute(ATTEMPTS, (long) r.attempts());
    }
    if (r.upstream() != null) {
      span.setAttribute(PEER, r.upstream().getAddress().getHostAddress());
      span.setAttribute(PEER_PORT, (long) r.upstream().getPort());
    }
    if (r.requestId() != null) {
      span.setAttribute(REQUEST_ID, r.requestId());
    }
    // Semantic conventions: a server span is an error for 5xx, or when no response was sent.
    if (r.status() >= 500 || r.status() == 0) {
      span.setStatus(StatusCode.ERROR);
    }
    span.end(r.trace().startEpochNanos() + r.durationNanos(), TimeUnit.NANOSECONDS);
  }

  /** The host of a Host header value: semantic conventions keep the port out of server.address. */
  static String host(String authority) {
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return end < 0 ? authority : authority.substring(0, end + 1);
    }
    int colon = authority.lastIndexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
  }

  /** Exports what is still queued (bounded), then stops. */
  @Override
  public void close() {
    provider.shutdown().join(10, TimeUnit.SECONDS);
  }
}
