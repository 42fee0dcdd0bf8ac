package dev.gantry.operator.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetReplicasTest {

  final FleetReplicas fleet = new FleetReplicas();

  @Test
  void theDeploymentsCountIsTheDivisorWhenItCoversTheProxiesConnectedHere() {
    fleet.deploymentReady("ns/gw", 3);
    assertThat(fleet.divisor("ns/gw", 1)).isEqualTo(3);
    assertThat(fleet.divisor("ns/gw", 0)).isEqualTo(3);
  }

  @Test
  void withoutADeploymentOrWithZeroTheConnectedProxiesAreTheLowerBoundAndNeverZero() {
    assertThat(fleet.divisor("ns/gw", 2)).isEqualTo(2);
    assertThat(fleet.divisor("ns/gw", 0)).isEqualTo(1);
    fleet.deploymentReady("ns/gw", null);
    assertThat(fleet.reportedReady("ns/gw")).isZero();
    assertThat(fleet.divisor("ns/gw", 2)).isEqualTo(2);
    assertThat(fleet.divisor("ns/gw", 0)).isEqualTo(1);
  }

  @Test
  void moreProxiesConnectedThanReportedReadyUnderAdmitsRatherThanOverAdmits() {
    fleet.deploymentReady("ns/gw", 2);
    assertThat(fleet.divisor("ns/gw", 4)).isEqualTo(4);
  }

  @Test
  void listenersHearOnlyRealChangesAndDeletes() {
    List<String> heard = new ArrayList<>();
    fleet.onChange(heard::add);
    fleet.deploymentReady("ns/gw", 2);
    fleet.deploymentReady("ns/gw", 2);
    fleet.deploymentReady("ns/other", 1);
    fleet.deploymentReady("ns/gw", 3);
    fleet.deploymentDeleted("ns/gw");
    fleet.deploymentDeleted("ns/gw");
    assertThat(heard).containsExactly("ns/gw", "ns/other", "ns/gw", "ns/gw");
    assertThat(fleet.divisor("ns/gw", 1)).isEqualTo(1);
  }
}
