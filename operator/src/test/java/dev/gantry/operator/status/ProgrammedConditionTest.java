package dev.gantry.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.operator.stream.ProxyAcks.RoutingProgress;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProgrammedConditionTest {

  static final Instant SEEN = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration GRACE = Duration.ofSeconds(2);

  static Optional<Condition> decide(RoutingProgress p, Instant now, Condition live) {
    return ProgrammedCondition.decide(p, "abc", SEEN, now, GRACE, live, 4L);
  }

  @Test
  void allConnectedProxiesRunningTheVersionIsProgrammed() {
    Condition c = decide(new RoutingProgress(2, 2, null), SEEN, null).orElseThrow();
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getReason()).isEqualTo("Programmed");
    assertThat(c.getMessage()).isEqualTo("2 of 2 proxies run routing version abc");
    assertThat(c.getObservedGeneration()).isEqualTo(4L);
  }

  @Test
  void aRejectionIsInvalidWithTheProxysReason() {
    Condition c =
        decide(new RoutingProgress(2, 1, "rules[0]: x (expected: y)"), SEEN, null).orElseThrow();
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("Invalid");
    assertThat(c.getMessage())
        .isEqualTo("proxies rejected routing version abc: rules[0]: x (expected: y)");
  }

  @Test
  void aRolloutInProgressWaitsForTheGraceThenSaysPending() {
    assertThat(decide(new RoutingProgress(3, 1, null), SEEN.plusMillis(500), null)).isEmpty();
    Condition c = decide(new RoutingProgress(3, 1, null), SEEN.plusSeconds(3), null).orElseThrow();
    assertThat(c.getReason()).isEqualTo("Pending");
    assertThat(c.getMessage()).isEqualTo("1 of 3 proxies run routing version abc");
  }

  @Test
  void withNoProxyConnectedALiveTrueForTheSameVersionIsKept() {
    Condition live =
        new ConditionBuilder()
            .withType("Programmed")
            .withStatus("True")
            .withReason("Programmed")
            .withMessage("2 of 2 proxies run routing version abc")
            .withLastTransitionTime("2025-12-31T00:00:00Z")
            .build();
    assertThat(decide(new RoutingProgress(0, 0, null), SEEN, live)).contains(live);

    Condition stale =
        new ConditionBuilder(live).withMessage("2 of 2 proxies run routing version old").build();
    Condition c = decide(new RoutingProgress(0, 0, null), SEEN, stale).orElseThrow();
    assertThat(c.getReason()).isEqualTo("Pending");
    assertThat(c.getMessage()).isEqualTo("0 of 0 proxies run routing version abc");
  }
}
