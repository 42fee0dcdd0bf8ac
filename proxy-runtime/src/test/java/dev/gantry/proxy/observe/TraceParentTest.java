package dev.gantry.proxy.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceParentTest {
  private static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

  @Test
  void parsesAndWritesTheSameHeader() {
    TraceParent t = TraceParent.parse(VALID);
    assertThat(t.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(t.spanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(t.sampled()).isTrue();
    assertThat(t.header().toString()).isEqualTo(VALID);
    assertThat(t.withSpan(0x1111111111111111L).header().toString())
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01");
  }

  @Test
  void aLaterVersionIsReadByItsVersion00Fields() {
    TraceParent t = TraceParent.parse("01" + VALID.substring(2) + "-what-comes-next");
    assertThat(t).isNotNull();
    assertThat(t.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x"
      })
  void malformedHeadersAreRejected(String header) {
    assertThat(TraceParent.parse(header)).isNull();
  }

  @Test
  void newTracesHaveValidDistinctIdsAndTheAskedFlag() {
    TraceParent a = TraceParent.newTrace(false);
    TraceParent b = TraceParent.newTrace(true);
    assertThat(TraceParent.parse(a.header())).isEqualTo(a);
    assertThat(a.sampled()).isFalse();
    assertThat(b.sampled()).isTrue();
    assertThat(a.traceId()).isNotEqualTo(b.traceId()).hasSize(32);
    assertThat(a.spanId()).hasSize(16);
    assertThat(TraceParent.of(a.traceId(), a.spanId(), a.flags())).isEqualTo(a);
  }
}
