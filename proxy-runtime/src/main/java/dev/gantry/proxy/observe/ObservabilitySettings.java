package dev.gantry.proxy.observe;

import java.net.URI;
import java.nio.file.Path;

/**
 * How a proxy process logs requests and exports traces.
 *
 * @param accessLog whether one JSON line per request is written
 * @param accessLogSample the share of successful requests logged, 0..1; responses with status 5xx
 *     and requests that ended without a complete response are always logged
 * @param accessLogPath the file lines are appended to, or null for standard output
 * @param accessLogQueue how many finished requests may wait for the writer thread; beyond that they
 *     are dropped and counted ({@code gantry_access_log_dropped_total}), never waited for
 * @param otlpEndpoint the OTLP/HTTP traces URL (e.g. {@code http://collector:4318/v1/traces}, a
 *     bare {@code http://collector:4318} gets {@code /v1/traces}), or null for no span export
 * @param traceSampleRatio the share of new traces (no sampled parent) that are recorded, 0..1; a
 *     request with a {@code traceparent} follows its parent's sampled flag
 * @param serviceName the {@code service.name} resource attribute of exported spans
 */
public record ObservabilitySettings(
    AccessLogFormat accessLog,
    double accessLogSample,
    Path accessLogPath,
    int accessLogQueue,
    URI otlpEndpoint,
    double traceSampleRatio,
    String serviceName) {

  public static final int DEFAULT_QUEUE = 65_536;
  public static final String DEFAULT_SERVICE_NAME = "gantry-proxy";

  /** The access-log line format. */
  public enum AccessLogFormat {
    OFF,
    JSON
  }

  public ObservabilitySettings {
    if (accessLog == null) {
      accessLog = AccessLogFormat.OFF;
    }
    if (!(accessLogSample >= 0 && accessLogSample <= 1)) {
      throw new IllegalArgumentException(
          "accessLogSample: " + accessLogSample + " (expected: a ratio from 0 to 1)");
    }
    if (accessLogQueue < 1) {
      throw new IllegalArgumentException(
          "accessLogQueue: " + accessLogQueue + " (expected: at least 1)");
    }
    if (!(traceSampleRatio >= 0 && traceSampleRatio <= 1)) {
      throw new IllegalArgumentException(
          "traceSampleRatio: " + traceSampleRatio + " (expected: a ratio from 0 to 1)");
    }
    if (otlpEndpoint != null) {
      String scheme = otlpEndpoint.getScheme();
      if (!("http".equals(scheme) || "https".equals(scheme)) || otlpEndpoint.getHost() == null) {
        throw new IllegalArgumentException(
            "otlpEndpoint: "
                + otlpEndpoint
                + " (expected: an http:// or https:// URL of an OTLP/HTTP receiver)");
      }
    }
    if (serviceName == null || serviceName.isBlank()) {
      serviceName = DEFAULT_SERVICE_NAME;
    }
  }

  /** No access log, no span export (trace context is still propagated). */
  public static ObservabilitySettings off() {
    return new ObservabilitySettings(
        AccessLogFormat.OFF, 1, null, DEFAULT_QUEUE, null, 1, DEFAULT_SERVICE_NAME);
  }

  /** The traces URL the exporter posts to. */
  String tracesUrl() {
    String path = otlpEndpoint.getPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      return otlpEndpoint.resolve("/v1/traces").toString();
    }
    return otlpEndpoint.toString();
  }
}
