package dev.gantry.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.operator.fleet.FleetNames;
import org.junit.jupiter.api.Test;

class ProxyIdentityTest {

  @Test
  void aFleetServiceAccountMayReceiveItsOwnGatewayOnly() {
    ProxyIdentity id = ProxyIdentity.fromUsername("system:serviceaccount:infra:gantry-gw");
    assertThat(id).isEqualTo(new ProxyIdentity("infra", "gantry-gw"));
    assertThat(id.mayReceive("infra/gw")).isTrue();
    assertThat(id.mayReceive("infra/other")).isFalse();
    assertThat(id.mayReceive("edge/gw")).as("same name, other namespace").isFalse();
    assertThat(id.mayReceive("gw")).isFalse();
    assertThat(id.mayReceive(null)).isFalse();
  }

  @Test
  void longGatewayNamesMapThroughTheFleetsShortenedName() {
    String name = "a".repeat(70);
    String sa = FleetNames.fleetName("infra", name);
    assertThat(sa).hasSizeLessThanOrEqualTo(63);
    assertThat(new ProxyIdentity("infra", sa).mayReceive("infra/" + name)).isTrue();
    assertThat(new ProxyIdentity("infra", sa).mayReceive("infra/" + "a".repeat(71))).isFalse();
  }

  @Test
  void onlyServiceAccountUsernamesAreIdentities() {
    assertThat(ProxyIdentity.fromUsername("alice")).isNull();
    assertThat(ProxyIdentity.fromUsername("system:serviceaccount:infra")).isNull();
    assertThat(ProxyIdentity.fromUsername("system:serviceaccount::gantry-gw")).isNull();
    assertThat(ProxyIdentity.fromUsername("system:node:worker-1")).isNull();
    assertThat(ProxyIdentity.fromUsername(null)).isNull();
  }
}
