package dev.gantry.proxy.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.proxy.observe.ObservabilitySettings.AccessLogFormat;
import java.net.URI;
import org.junit.jupiter.api.Test;

class ObservabilitySettingsTest {

  private static ObservabilitySettings with(double sample, String endpoint, double ratio) {
    return new ObservabilitySettings(
        AccessLogFormat.JSON,
        sample,
        null,
        ObservabilitySettings.DEFAULT_QUEUE,
        endpoint == null ? null : URI.create(endpoint),
        ratio,
        null);
  }

  @Test
  void aBareEndpointGetsTheTracesPathAndAFullOneIsKept() {
    assertThat(with(1, "http://collector:4318", 1).tracesUrl())
        .isEqualTo("http://collector:4318/v1/traces");
    assertThat(with(1, "http://collector:4318/", 1).tracesUrl())
        .isEqualTo("http://collector:4318/v1/traces");
    assertThat(with(1, "https://otel.example/custom/traces", 1).tracesUrl())
        .isEqualTo("https://otel.example/custom/traces");
  }

  @Test
  void ratiosOutsideZeroToOneAndNonHttpEndpointsAreRefusedByName() {
    assertThatThrownBy(() -> with(1.5, null, 1))
        .hasMessage("accessLogSample: 1.5 (expected: a ratio from 0 to 1)");
    assertThatThrownBy(() -> with(1, null, -0.1))
        .hasMessage("traceSampleRatio: -0.1 (expected: a ratio from 0 to 1)");
    assertThatThrownBy(() -> with(1, null, Double.NaN))
        .hasMessage("traceSampleRatio: NaN (expected: a ratio from 0 to 1)");
    assertThatThrownBy(() -> with(1, "grpc://collector:4317", 1))
        .hasMessage(
            "otlpEndpoint: grpc://collector:4317 (expected: an http:// or https:// URL of an"
                + " OTLP/HTTP receiver)");
  }

  @Test
  void defaultsAreOffWithTheServiceName() {
    ObservabilitySettings off = ObservabilitySettings.off();
    assertThat(off.accessLog()).isEqualTo(AccessLogFormat.OFF);
    assertThat(off.otlpEndpoint()).isNull();
    assertThat(with(1, null, 1).serviceName()).isEqualTo("gantry-proxy");
    assertThat(Observability.create(off, null)).isSameAs(Observability.disabled());
  }

  @Test
  void theSpansServerAddressIsTheHostWithoutPort() {
    assertThat(SpanExport.host("api.example:8080")).isEqualTo("api.example");
    assertThat(SpanExport.host("api.example")).isEqualTo("api.example");
    assertThat(SpanExport.host("[::1]:8443")).isEqualTo("[::1]");
  }
}
