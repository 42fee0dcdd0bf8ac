package dev.gantry.proxy.cli;

import dev.gantry.proxy.observe.ObservabilitySettings;
import dev.gantry.proxy.observe.ObservabilitySettings.AccessLogFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The access-log, tracing and metrics options shared by {@code gantry proxy} and {@code
 * standalone}.
 */
final class ObservabilityOptions {

  @Option(
      names = "--access-log",
      defaultValue = "off",
      description = "off, or json: one JSON line per request (default: ${DEFAULT-VALUE}).")
  String accessLog;

  @Option(
      names = "--access-log-sample",
      defaultValue = "1",
      description =
          "Share of requests logged, 0 to 1; 5xx and incomplete responses are always logged"
              + " (default: ${DEFAULT-VALUE}).")
  double accessLogSample;

  @Option(
      names = "--access-log-path",
      description = "File the access log is appended to (default: standard output).")
  Path accessLogPath;

  @Option(
      names = "--otlp-endpoint",
      description =
          "OTLP/HTTP (protobuf) traces receiver, e.g. http://otel-collector:4318 (default: none, no"
              + " spans are exported; traceparent is propagated anyway).")
  String otlpEndpoint;

  @Option(
      names = "--trace-sample-ratio",
      defaultValue = "0.01",
      description =
          "Share of new traces recorded, 0 to 1; a request with a traceparent follows its sampled"
              + " flag (default: ${DEFAULT-VALUE}).")
  double traceSampleRatio;

  /** Benchmarks only: {@code off} drops every gantry meter, to measure what metrics cost. */
  @Option(names = "--metrics", defaultValue = "on", hidden = true)
  String metrics;

  ObservabilitySettings settings() {
    AccessLogFormat format =
        switch (accessLog) {
          case "off" -> AccessLogFormat.OFF;
          case "json" -> AccessLogFormat.JSON;
          default ->
              throw new IllegalArgumentException(
                  "--access-log: " + accessLog + " (expected: off or json)");
        };
    URI endpoint = null;
    if (otlpEndpoint != null && !otlpEndpoint.isBlank()) {
      try {
        endpoint = new URI(otlpEndpoint);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(
            "--otlp-endpoint: " + otlpEndpoint + " (expected: a URL: " + e.getMessage() + ")", e);
      }
    }
    return new ObservabilitySettings(
        format,
        accessLogSample,
        accessLogPath,
        ObservabilitySettings.DEFAULT_QUEUE,
        endpoint,
        traceSampleRatio,
        ObservabilitySettings.DEFAULT_SERVICE_NAME);
  }

  /** Applies {@code --metrics}; call before any meter is registered. */
  void configure(MeterRegistry registry) {
    switch (metrics) {
      case "on" -> {}
      case "off" -> registry.config().meterFilter(MeterFilter.denyNameStartsWith("gantry"));
      default ->
          throw new IllegalArgumentException("--metrics: " + metrics + " (expected: on or off)");
    }
  }
}
