package dev.gantry.proxy.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void delaysStayUnderADoublingCeilingCappedAtTheMaximum() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));
    long[] ceilings = {100, 200, 400, 800, 1000, 1000, 1000};
    for (long ceiling : ceilings) {
      assertThat(b.nextDelayMillis()).isBetween(0L, ceiling);
    }
  }

  @Test
  void jitterSpreadsAFleetThatReconnectsTogether() {
    long distinct =
        java.util.stream.IntStream.range(0, 50)
            .mapToLong(
                i -> new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(10)).nextDelayMillis())
            .distinct()
            .count();
    assertThat(distinct).isGreaterThan(10);
  }

  @Test
  void resetStartsOverFromTheBase() {
    Backoff b = new Backoff(Duration.ofMillis(10), Duration.ofSeconds(60));
    for (int i = 0; i < 20; i++) {
      b.nextDelayMillis();
    }
    b.reset();
    assertThat(b.nextDelayMillis()).isLessThanOrEqualTo(10);
  }

  @Test
  void rejectsNonsensicalBounds() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessage("base: PT0S (expected: > 0)");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessage("cap: PT1S (expected: >= base PT2S)");
  }
}
