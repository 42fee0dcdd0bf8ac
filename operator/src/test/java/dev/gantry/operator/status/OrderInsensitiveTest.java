package dev.gantry.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderInsensitiveTest {

  static Condition c(String type, String status, String time) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(type)
        .withMessage("m")
        .withObservedGeneration(1L)
        .withLastTransitionTime(time)
        .build();
  }

  @Test
  void listOrderAndEmptyListsDoNotCountAsAChange() {
    GatewayStatus a =
        new GatewayStatusBuilder()
            .withConditions(c("Accepted", "True", "t1"), c("Programmed", "True", "t1"))
            .build();
    GatewayStatus b =
        new GatewayStatusBuilder()
            .withConditions(c("Programmed", "True", "t1"), c("Accepted", "True", "t1"))
            .withAddresses(List.of())
            .build();
    assertThat(OrderInsensitive.same(a, b)).isTrue();
  }

  @Test
  void anyValueChangeCounts() {
    GatewayStatus a =
        new GatewayStatusBuilder().withConditions(c("Accepted", "True", "t1")).build();
    GatewayStatus b =
        new GatewayStatusBuilder().withConditions(c("Accepted", "False", "t1")).build();
    GatewayStatus t =
        new GatewayStatusBuilder().withConditions(c("Accepted", "True", "t2")).build();
    assertThat(OrderInsensitive.same(a, b)).isFalse();
    assertThat(OrderInsensitive.same(a, t)).isFalse();
    assertThat(OrderInsensitive.same(a, null)).isFalse();
  }

  @Test
  void transitionTimesCarryOverOnlyWhileTheStatusIsUnchanged() {
    List<Condition> live = List.of(c("Accepted", "True", "old"), c("Programmed", "False", "old"));
    List<Condition> computed =
        List.of(c("Accepted", "True", "new"), c("Programmed", "True", "new"));
    List<Condition> out = Conditions.carryTransitionTimes(computed, live);
    assertThat(out).extracting(Condition::getLastTransitionTime).containsExactly("old", "new");
  }
}
