package dev.gantry.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.proxy.control.ProxyControlOptions;
import java.nio.file.Path;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** {@code gantry proxy}'s flags as the operator's fleet Deployment passes them. */
class ProxyCommandTest {

  static ProxyCommand parse(String... args) {
    ParseResult result =
        new CommandLine(new GantryCli()).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);
    return (ProxyCommand) result.subcommand().commandSpec().userObject();
  }

  @Test
  void acceptsExactlyWhatTheFleetDeploymentPasses() throws Exception {
    // operator/.../fleet/FleetResources: proxy --operator A --gateway NS/NAME --snapshot-file F
    // --log-level L, with POD_NAME from the downward API.
    ProxyCommand c =
        parse(
            "proxy",
            "--operator",
            "gantry-operator.gantry-system.svc:18000",
            "--gateway",
            "infra/gw",
            "--snapshot-file",
            "/var/lib/gantry/snapshot.json",
            "--log-level",
            "debug",
            "--node-id",
            "gantry-gw-abc");
    assertThat(c.controlOptions())
        .isEqualTo(
            new ProxyControlOptions(
                "gantry-operator.gantry-system.svc:18000",
                "infra/gw",
                "gantry-gw-abc",
                Path.of("/var/lib/gantry/snapshot.json"),
                Path.of("/etc/gantry/control-ca/ca.crt"),
                Path.of("/var/run/secrets/gantry/token"),
                false));
    assertThat(c.logLevel.julLevel).isEqualTo(Level.FINE);
  }

  @Test
  void acceptsTheObservabilityArgsTheFleetDeploymentPasses() {
    // operator/.../fleet/FleetResources adds these from the chart's proxy.accessLog and
    // proxy.tracing values.
    ProxyCommand c =
        parse(
            "proxy",
            "--operator",
            "op:18000",
            "--gateway",
            "a/b",
            "--access-log",
            "json",
            "--access-log-sample",
            "0.25",
            "--otlp-endpoint",
            "http://otel-collector.observability:4318",
            "--trace-sample-ratio",
            "0.01");
    var s = c.observe.settings();
    assertThat(s.accessLog())
        .isEqualTo(dev.gantry.proxy.observe.ObservabilitySettings.AccessLogFormat.JSON);
    assertThat(s.accessLogSample()).isEqualTo(0.25);
    assertThat(s.accessLogPath()).isNull();
    assertThat(s.otlpEndpoint()).hasToString("http://otel-collector.observability:4318");
    assertThat(s.traceSampleRatio()).isEqualTo(0.01);

    var defaults = parse("proxy", "--operator", "op:18000", "--gateway", "a/b").observe.settings();
    assertThat(defaults.accessLog())
        .isEqualTo(dev.gantry.proxy.observe.ObservabilitySettings.AccessLogFormat.OFF);
    assertThat(defaults.otlpEndpoint()).isNull();

    assertThatThrownBy(
            () ->
                parse("proxy", "--operator", "o:1", "--gateway", "a/b", "--access-log", "xml")
                    .observe
                    .settings())
        .hasMessage("--access-log: xml (expected: off or json)");
  }

  @Test
  void defaultsMatchTheImageAndTheFleetPod() {
    ProxyCommand c = parse("proxy", "--operator", "op:18000", "--gateway", "a/b");
    // images/proxy/Dockerfile creates /var/lib/gantry; the fleet mounts its emptyDir there.
    assertThat(c.snapshotFile).isEqualTo(Path.of("/var/lib/gantry/snapshot.json"));
    assertThat(c.adminAddress).isEqualTo("0.0.0.0:9901");
    assertThat(c.logLevel).isEqualTo(ProxyCommand.LogLevel.info);
    // Secured unless asked otherwise; the paths are where the fleet mounts CA bundle and token.
    assertThat(c.insecureControlChannel).isFalse();
    assertThat(c.controlCa).isEqualTo(Path.of("/etc/gantry/control-ca/ca.crt"));
    assertThat(c.controlTokenFile).isEqualTo(Path.of("/var/run/secrets/gantry/token"));
    assertThat(
            parse("proxy", "--operator", "op:1", "--gateway", "a/b", "--insecure-control-channel")
                .insecureControlChannel)
        .isTrue();
  }

  @Test
  void badValuesAreNamedWithWhatWasExpected() {
    assertThatThrownBy(
            () -> parse("proxy", "--operator", "nohost", "--gateway", "a/b").controlOptions())
        .hasMessage("--operator: nohost (expected: host:port)");
    assertThatThrownBy(
            () -> parse("proxy", "--operator", "op:1", "--gateway", "Bad").controlOptions())
        .hasMessage("--gateway: Bad (expected: namespace/name)");
    assertThatThrownBy(
            () ->
                new ProxyControlOptions(
                        "op:1", "a/b", " ", Path.of("/tmp/s.json"), null, null, true)
                    .nodeId())
        .hasMessage("--node-id:   (expected: non-empty, or POD_NAME/HOSTNAME set)");
    assertThatThrownBy(
            () ->
                new ProxyControlOptions(
                    "op:1", "a/b", "p", Path.of("/tmp/s.json"), null, Path.of("/t"), false))
        .hasMessage("--control-ca: null (expected: a file path, or --insecure-control-channel)");
    assertThatThrownBy(
            () -> parse("proxy", "--operator", "op:1", "--gateway", "a/b", "--log-level", "loud"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--log-level");
  }

  @Test
  void helpWorks() {
    OfflineCommandsTest.Run r = OfflineCommandsTest.run("proxy", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("--operator").contains("--log-level").contains("--snapshot-file");
  }

  @Test
  void eventLoopsDefaultToOnePerCpuAndRejectNegatives() {
    ProxyCommand c = parse("proxy", "--operator", "op:18000", "--gateway", "ns/gw");
    assertThat(c.loops.eventLoops()).isZero();
    assertThat(
            new dev.gantry.proxy.ProxySettings("127.0.0.1", null, 0, null, "gw")
                .resolvedEventLoops())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    ProxyCommand three =
        parse("proxy", "--operator", "op:18000", "--gateway", "ns/gw", "--event-loops", "3");
    assertThat(three.loops.eventLoops()).isEqualTo(3);
    ProxyCommand negative =
        parse("proxy", "--operator", "op:18000", "--gateway", "ns/gw", "--event-loops", "-1");
    assertThatThrownBy(() -> negative.loops.eventLoops())
        .hasMessageContaining("--event-loops: -1 (expected: >= 0");
  }

  @Test
  void transportDefaultsToAutoAndRejectsUnknownNames() {
    assertThat(parse("proxy", "--operator", "op:18000", "--gateway", "ns/gw").loops.transport)
        .isEqualTo("auto");
    ProxyCommand unknown =
        parse("proxy", "--operator", "op:18000", "--gateway", "ns/gw", "--transport", "kqueue");
    assertThatThrownBy(() -> unknown.loops.applyTransport())
        .hasMessage("--transport: kqueue (expected: one of auto, io_uring, epoll, nio)");
  }
}
