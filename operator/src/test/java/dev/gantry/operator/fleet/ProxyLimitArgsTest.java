package dev.gantry.operator.fleet;

import static dev.gantry.operator.fleet.FleetResourcesTest.gateway;
import static dev.gantry.operator.fleet.FleetResourcesTest.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.v1alpha1.GantryProxyConfigSpec;
import dev.gantry.api.v1alpha1.ProxyLimits;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A GantryProxyConfig's limits on the proxy pods' command line. */
class ProxyLimitArgsTest {

  static List<String> proxyArgs(FleetSettings settings) {
    Deployment d =
        only(new FleetResources("op:18000").desired(gateway("gw"), settings), Deployment.class);
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
  }

  static GantryProxyConfigSpec withLimits(ProxyLimits limits) {
    return new GantryProxyConfigSpec(null, null, null, null, null, null, limits);
  }

  @Test
  void everyLimitBecomesAProxyFlagWithTheBodySizeInBytes() {
    var spec = withLimits(new ProxyLimits(20, new Quantity("16Mi"), "10s", 5000, 64));
    List<String> args = proxyArgs(FleetSettings.resolve(spec, "img"));
    assertThat(String.join(" ", args))
        .contains(
            "--max-request-headers 20 --max-request-body 16777216 --request-header-timeout 10s"
                + " --max-connections 5000 --max-concurrent-streams 64");
  }

  @Test
  void withoutLimitsThePodsKeepTheProxyDefaultsAndNoFlagIsRendered() {
    List<String> args = proxyArgs(FleetSettings.resolve(null, "img"));
    assertThat(args)
        .isNotEmpty()
        .noneMatch(
            a ->
                a.startsWith("--max-request")
                    || a.equals("--request-header-timeout")
                    || a.equals("--max-connections")
                    || a.equals("--max-concurrent-streams"));
  }

  @Test
  void theGantryProxyConfigOverridesTheChartDefaultsFieldByField() throws Exception {
    ProxyDefaults defaults =
        ProxyDefaults.parse(
            """
            image: {repository: ghcr.io/gantry-dev/gantry-proxy, tag: "0.1.0"}
            limits: {maxRequestHeaders: 50, maxRequestBodySize: 1Mi}
            """);
    var spec = withLimits(new ProxyLimits(null, new Quantity("2048"), null, null, null));
    List<String> args = proxyArgs(FleetSettings.resolve(spec, defaults));
    assertThat(String.join(" ", args))
        .contains("--max-request-headers 50 --max-request-body 2048")
        .doesNotContain("--request-header-timeout");
  }

  @Test
  void aBodySizeThatIsNoWholeByteCountIsLeftToTheProxyDefaultAndTheRestStillApplies() {
    for (String bad : new String[] {"0.5", "0"}) {
      var spec = withLimits(new ProxyLimits(30, new Quantity(bad), null, null, null));
      List<String> args = proxyArgs(FleetSettings.resolve(spec, "img"));
      assertThat(args).doesNotContain("--max-request-body");
      assertThat(String.join(" ", args)).contains("--max-request-headers 30");
    }
  }
}
