package dev.gantry.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.operator.stream.ProxyAcks.RoutingProgress;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnforcedConditionTest {

  static final Instant SEEN = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant LATER = SEEN.plusSeconds(5);
  static final Duration GRACE = Duration.ofSeconds(2);

  static Optional<Condition> decide(
      boolean accepted, boolean inRouting, RoutingProgress p, Instant now, Condition live) {
    return EnforcedCondition.decide(accepted, inRouting, p, "abc", SEEN, now, GRACE, live, 3L);
  }

  @Test
  void everyConnectedProxyRunningAVersionWithThePolicyIsEnforced() {
    Condition c = decide(true, true, new RoutingProgress(3, 3, null), SEEN, null).orElseThrow();
    assertThat(c.getType()).isEqualTo("Enforced");
    assertThat(c.getStatus()).isEqualTo("True");
    assertThat(c.getReason()).isEqualTo("Enforced");
    assertThat(c.getMessage())
        .isEqualTo("3 of 3 proxies run routing version abc, which contains the policy");
    assertThat(c.getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void someProxiesBehindAfterTheGraceIsPendingWithTheCount() {
    Condition c = decide(true, true, new RoutingProgress(3, 2, null), LATER, null).orElseThrow();
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("Pending");
    assertThat(c.getMessage())
        .isEqualTo("2 of 3 proxies run routing version abc, which contains the policy");
  }

  @Test
  void withinTheGraceThereIsNoVerdictYet() {
    assertThat(decide(true, true, new RoutingProgress(3, 2, null), SEEN.plusSeconds(1), null))
        .isEmpty();
  }

  @Test
  void noProxyAtAllIsPendingNotEnforced() {
    Condition c = decide(true, true, new RoutingProgress(0, 0, null), SEEN, null).orElseThrow();
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getMessage()).startsWith("0 of 0 proxies run");
  }

  @Test
  void aPolicyThatIsNotAcceptedIsNeverEnforcedEvenIfEveryProxyAcked() {
    Condition c = decide(false, false, new RoutingProgress(2, 2, null), SEEN, null).orElseThrow();
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("Pending");
    assertThat(c.getMessage()).isEqualTo("0 of 2 proxies enforce the policy: it is not accepted");
  }

  @Test
  void anOperatorRestartWithNoProxyConnectedKeepsTheLiveTrueForTheSameVersion() {
    Condition live = decide(true, true, new RoutingProgress(2, 2, null), SEEN, null).orElseThrow();
    assertThat(decide(true, true, new RoutingProgress(0, 0, null), LATER, live)).contains(live);
  }
}
