package dev.gantry.proxy.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Per-process access logging and tracing, shared by every proxy of the process. The data path asks
 * it two things: {@link #startTrace} when a request head arrives, and {@link #finished} when the
 * request is over (only if {@link #logs} or the trace has a span).
 *
 * <p>Trace context is always propagated, also with span export off: the request's trace id (the
 * client's, or a new one) reaches the upstream in {@code traceparent} with a new span id, so access
 * logs of every hop can be joined on it. A trace this proxy starts and does not record is sent with
 * the sampled flag 0, so later hops do not record a trace whose root span is missing; a client's
 * sampled flag passes through unchanged when export is off (this proxy is then transparent). A
 * malformed {@code traceparent} starts a new trace and its {@code tracestate} is dropped, as the
 * W3C spec requires; a valid one keeps {@code tracestate} as the client sent it.
 */
public final class Observability implements AutoCloseable {
  public static final AsciiString TRACEPARENT = AsciiString.cached("traceparent");
  public static final AsciiString TRACESTATE = AsciiString.cached("tracestate");

  private static final Observability DISABLED = new Observability(ObservabilitySettings.off());

  private final ObservabilitySettings settings;
  private final boolean accessLog;
  private final double sample;
  private final SpanExport spans;
  private final AccessLogWriter writer;

  private Observability(ObservabilitySettings settings) {
    this.settings = settings;
    this.accessLog = false;
    this.sample = 0;
    this.spans = null;
    this.writer = null;
  }

  private Observability(ObservabilitySettings settings, MeterRegistry registry) {
    this.settings = settings;
    this.accessLog = settings.accessLog() == ObservabilitySettings.AccessLogFormat.JSON;
    this.sample = settings.accessLogSample();
    this.spans = settings.otlpEndpoint() == null ? null : new SpanExport(settings);
    this.writer =
        accessLog || spans != null
            ? new AccessLogWriter(settings.accessLogPath(), settings.accessLogQueue(), registry)
            : null;
  }

  /** Propagation only: no access log, no span export, no thread. */
  public static Observability disabled() {
    return DISABLED;
  }

  /** Starts the writer thread and the span exporter that {@code settings} ask for. */
  public static Observability create(ObservabilitySettings settings, MeterRegistry registry) {
    if (settings.accessLog() == ObservabilitySettings.AccessLogFormat.OFF
        && settings.otlpEndpoint() == null) {
      return DISABLED;
    }
    return new Observability(settings, registry);
  }

  public ObservabilitySettings settings() {
    return settings;
  }

  /**
   * Continues the client's trace or starts one, and sets the {@code traceparent} the upstream gets
   * in {@code headers} (the request's headers, forwarded as they are).
   */
  public RequestTrace startTrace(HttpHeaders headers, String method) {
    TraceParent parent = TraceParent.parse(headers.get(TRACEPARENT));
    if (parent == null) {
      headers.remove(TRACESTATE);
    }
    RequestTrace trace;
    if (spans != null && (parent != null ? parent.sampled() : spans.sampleRoot())) {
      trace = spans.start(parent, method);
    } else {
      TraceParent up =
          parent == null ? TraceParent.newTrace(false) : parent.withSpan(TraceParent.newSpanId());
      trace = new RequestTrace(up, null, 0);
    }
    headers.set(TRACEPARENT, trace.upstream().header());
    return trace;
  }

  /**
   * Whether a request that ended with {@code status} gets a log line: server errors and requests
   * without a response always, others with the sampling ratio.
   */
  public boolean logs(int status) {
    if (!accessLog) {
      return false;
    }
    return status >= 500
        || status == 0
        || sample >= 1
        || (sample > 0 && ThreadLocalRandom.current().nextDouble() < sample);
  }

  /** Hands a finished request to the writer thread (never blocks; dropped and counted if full). */
  public void finished(ExchangeRecord record) {
    if (writer != null) {
      writer.offer(record);
    }
  }

  /** Writes the queued lines and exports the queued spans (bounded), then stops. */
  @Override
  public void close() {
    if (this == DISABLED) {
      return;
    }
    writer.close();
    if (spans != null) {
      spans.close();
    }
  }
}
