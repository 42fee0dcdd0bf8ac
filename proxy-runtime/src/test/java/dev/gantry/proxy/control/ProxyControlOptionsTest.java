package dev.gantry.proxy.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyControlOptionsTest {

  @Test
  void parsesTheFlagsTheOperatorsDeploymentPasses() {
    ProxyControlOptions o =
        ProxyControlOptions.parse(
            List.of(
                "proxy",
                "--operator",
                "gantry-operator.gantry-system.svc:18000",
                "--gateway",
                "infra/gw",
                "--snapshot-file",
                "/var/lib/gantry/snapshot.json",
                "--admin-port",
                "9901",
                "--log-level",
                "debug"),
            Map.of("POD_NAME", "gantry-gw-abc"));
    assertThat(o)
        .isEqualTo(
            new ProxyControlOptions(
                "gantry-operator.gantry-system.svc:18000",
                "infra/gw",
                "gantry-gw-abc",
                Path.of("/var/lib/gantry/snapshot.json"),
                "debug"));
  }

  @Test
  void badFlagsAreNamedWithWhatWasExpected() {
    assertThatThrownBy(
            () ->
                ProxyControlOptions.parse(
                    List.of("--operator", "nohost", "--gateway", "a/b"), Map.of("HOSTNAME", "h")))
        .hasMessage("--operator: nohost (expected: host:port)");
    assertThatThrownBy(
            () ->
                ProxyControlOptions.parse(
                    List.of("--operator", "op:1", "--gateway", "Bad"), Map.of("HOSTNAME", "h")))
        .hasMessage("--gateway: Bad (expected: namespace/name)");
    assertThatThrownBy(
            () ->
                ProxyControlOptions.parse(
                    List.of("--operator", "op:1", "--gateway", "a/b"), Map.of()))
        .hasMessage("--node-id: null (expected: non-empty, or POD_NAME/HOSTNAME set)");
    assertThatThrownBy(() -> ProxyControlOptions.parse(List.of("--operator"), Map.of()))
        .hasMessage("--operator: null (expected: a value)");
  }
}
