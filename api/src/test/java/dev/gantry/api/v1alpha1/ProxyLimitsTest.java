package dev.gantry.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Quantity;
import org.junit.jupiter.api.Test;

class ProxyLimitsTest {

  static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @Test
  void aSpecWithLimitsReadsStrictly() throws Exception {
    GantryProxyConfigSpec spec =
        YAML.readValue(
            """
            replicas: 3
            limits:
              maxRequestHeaders: 50
              maxRequestBodySize: 1Mi
              requestHeaderTimeout: 10s
              maxConnections: 1000
              maxConcurrentStreams: 100
            """,
            GantryProxyConfigSpec.class);
    assertThat(spec.replicas()).isEqualTo(3);
    ProxyLimits l = spec.limits();
    assertThat(l.maxRequestHeaders()).isEqualTo(50);
    assertThat(l.maxRequestBodyBytes()).isEqualTo(1024L * 1024);
    assertThat(l.requestHeaderTimeout()).isEqualTo("10s");
    assertThat(l.maxConnections()).isEqualTo(1000);
    assertThat(l.maxConcurrentStreams()).isEqualTo(100);
  }

  @Test
  void theBodySizeIsAQuantityOrAPlainByteCount() throws Exception {
    assertThat(body("maxRequestBodySize: 2048").maxRequestBodyBytes()).isEqualTo(2048L);
    assertThat(body("maxRequestBodySize: 16Mi").maxRequestBodyBytes()).isEqualTo(16L << 20);
    assertThat(body("maxRequestBodySize: 1k").maxRequestBodyBytes()).isEqualTo(1000L);
    assertThat(body("maxRequestBodySize: 1.5Ki").maxRequestBodyBytes()).isEqualTo(1536L);
    assertThat(body("maxConnections: 5").maxRequestBodyBytes()).isNull();
  }

  @Test
  void aBodySizeThatIsNoWholePositiveByteCountIsRejectedNamingTheField() {
    for (String bad : new String[] {"0", "500m", "-1Ki"}) {
      assertThatThrownBy(
              () ->
                  new ProxyLimits(null, new Quantity(bad), null, null, null).maxRequestBodyBytes())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("limits.maxRequestBodySize: ")
          .hasMessageContaining("(expected: ");
    }
  }

  @Test
  void fieldsSetWinOverTheFallbackOneByOne() {
    ProxyLimits own = new ProxyLimits(10, null, "5s", null, null);
    ProxyLimits defaults = new ProxyLimits(100, new Quantity("1Mi"), "30s", 7, 8);
    assertThat(own.over(defaults)).isEqualTo(new ProxyLimits(10, new Quantity("1Mi"), "5s", 7, 8));
    assertThat(own.over(null)).isSameAs(own);
  }

  @Test
  void theSixFieldConstructorLeavesLimitsUnset() {
    assertThat(new GantryProxyConfigSpec(1, null, null, null, null, "info").limits()).isNull();
  }

  private static ProxyLimits body(String yaml) throws Exception {
    return YAML.readValue(yaml, ProxyLimits.class);
  }
}
