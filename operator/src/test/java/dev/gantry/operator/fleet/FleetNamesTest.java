package dev.gantry.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FleetNamesTest {

  @Test
  void shortNamesArePrefixedAndKept() {
    assertThat(FleetNames.fleetName("infra", "gw")).isEqualTo("gantry-gw");
    assertThat(FleetNames.labelValue("infra", "gw")).isEqualTo("gw");
  }

  @Test
  void longNamesAreTruncatedAndHashedToStayDistinctValidLabels() {
    String base = "a".repeat(60);
    String one = FleetNames.fleetName("infra", base + "-one");
    String two = FleetNames.fleetName("infra", base + "-two");
    String otherNs = FleetNames.fleetName("edge", base + "-one");
    assertThat(one)
        .hasSizeLessThanOrEqualTo(63)
        .startsWith("gantry-aaaa")
        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    assertThat(one).isNotEqualTo(two).isNotEqualTo(otherNs);
    assertThat(FleetNames.fleetName("infra", base + "-one")).isEqualTo(one);
    assertThat(FleetNames.labelValue("infra", "x".repeat(200))).hasSizeLessThanOrEqualTo(63);
  }

  @Test
  void aCutThatEndsInADashDoesNotProduceADoubleDash() {
    String name = "g".repeat(45) + "-" + "h".repeat(40);
    assertThat(FleetNames.fleetName("infra", name))
        .doesNotContain("--")
        .hasSizeLessThanOrEqualTo(63);
  }
}
