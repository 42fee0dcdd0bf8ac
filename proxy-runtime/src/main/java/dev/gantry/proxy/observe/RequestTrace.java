package dev.gantry.proxy.observe;

import io.opentelemetry.api.trace.Span;

/**
 * The trace context of one request.
 *
 * @param upstream the {@code traceparent} sent upstream: the request's trace id with this proxy's
 *     span id as parent
 * @param span the recording span of the request, or null when it is not sampled or export is off
 * @param startEpochNanos when the span started (0 without a span)
 */
public record RequestTrace(TraceParent upstream, Span span, long startEpochNanos) {
  public String traceId() {
    return upstream.traceId();
  }
}
