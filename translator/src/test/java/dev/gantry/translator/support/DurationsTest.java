package dev.gantry.translator.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({
    "0s, 0",
    "1ms, 1",
    "500ms, 500",
    "1s, 1000",
    "1m, 60000",
    "1h, 3600000",
    "1h30m, 5400000",
    "2m30s500ms, 150500",
    "99999h, 359996400000",
    "1h1m1s1ms, 3661001"
  })
  void parsesGep2257Durations(String value, long millis) {
    assertThat(Durations.toMillis("f", value)).isEqualTo(millis);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"0", "1d", "", "1.5s", "-1s", "100000s", "1h1m1s1ms1h", "1 s", "1S", "s", "1us"})
  void rejectsEverythingElseNamingTheField(String value) {
    assertThatThrownBy(() -> Durations.toMillis("spec.rules[0].timeouts.request", value))
        .isInstanceOf(InvalidValueException.class)
        .hasMessageStartingWith("spec.rules[0].timeouts.request: ")
        .hasMessageEndingWith("(expected: a GEP-2257 duration such as 500ms or 1h30m)");
  }
}
