package dev.gantry.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.operator.control.CaRotationPolicy;
import dev.gantry.operator.fleet.FleetSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The operator's flags, as helm-chart/gantry/templates/deployment.yaml passes them. */
class OperatorCommandTest {

  /** What the chart's proxy-defaults ConfigMap holds with the chart's default values. */
  static final String CHART_PROXY_DEFAULTS =
      """
      replicas: 3
      image:
        repository: "ghcr.io/gantry-dev/gantry-proxy"
        tag: "0.1.0"
        pullPolicy: IfNotPresent
      resources:
        limits:
          memory: 1Gi
        requests:
          cpu: 500m
          memory: 512Mi
      logLevel: debug
      service:
        type: ClusterIP
        annotations: {}
      autoscaling:
        enabled: false
        maxReplicas: 10
        minReplicas: 2
        targetCPUUtilizationPercentage: 70
      rateLimit:
        redisUrl: "redis://redis.gantry-system.svc:6379/0"
      accessLog:
        enabled: true
        sampleRatio: 0.5
      tracing:
        otlpEndpoint: ""
        samplingRatio: 0.01
      """;

  record Run(int code, String out, String err, OperatorCommand command) {}

  static Run parse(Map<String, String> env, String... args) {
    OperatorCommand command = new OperatorCommand();
    command.env = env;
    CommandLine cl = OperatorMain.commandLine(command);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code;
    try {
      cl.parseArgs(args);
      code = 0;
    } catch (CommandLine.ParameterException e) {
      try {
        code = cl.getParameterExceptionHandler().handleParseException(e, args);
      } catch (Exception unexpected) {
        throw new AssertionError(unexpected);
      }
    }
    return new Run(code, out.toString(), err.toString(), command);
  }

  @Test
  void bindAddressKeepsTheSnapshotPortOnThatAddress() {
    Run r =
        parse(
            Map.of("POD_NAMESPACE", "gantry-system"),
            "--bind-address=127.0.0.1",
            "--snapshot-port=18123");
    assertThat(r.code()).isZero();
    assertThat(r.command().options().grpcAddress())
        .isEqualTo(new InetSocketAddress("127.0.0.1", 18123));
  }

  @Test
  void acceptsExactlyTheChartsArguments(@TempDir Path dir) throws Exception {
    Path defaults = dir.resolve("proxy-defaults.yaml");
    Files.writeString(defaults, CHART_PROXY_DEFAULTS);
    Run r =
        parse(
            Map.of(
                "POD_NAME",
                "gantry-operator-7d9f-abcde",
                "POD_NAMESPACE",
                "gantry-system",
                "POD_IP",
                "10.1.2.3"),
            "--snapshot-port=18000",
            "--snapshot-address=gantry-operator.gantry-system.svc:18000",
            "--health-port=8081",
            "--metrics-port=8080",
            "--log-level=info",
            "--lease-name=gantry-leader",
            "--lease-namespace=gantry-system",
            "--ca-secret=gantry-ca",
            "--proxy-defaults=" + defaults);
    assertThat(r.code()).isZero();
    GantryOperator.Options o = r.command().options();
    assertThat(o.grpcAddress()).isEqualTo(new InetSocketAddress(18000));
    assertThat(o.advertiseAddress()).isEqualTo("gantry-operator.gantry-system.svc:18000");
    assertThat(o.leaseName()).isEqualTo("gantry-leader");
    assertThat(o.leaseNamespace()).isEqualTo("gantry-system");
    assertThat(o.identity()).isEqualTo("gantry-operator-7d9f-abcde");
    // Secured by default: the CA lives in the operator's namespace, the pod IP is a SAN.
    assertThat(o.control().insecure()).isFalse();
    assertThat(o.control().caSecret()).isEqualTo("gantry-ca");
    assertThat(o.control().caNamespace()).isEqualTo("gantry-system");
    assertThat(o.control().podIp()).isEqualTo("10.1.2.3");
    assertThat(o.control().policy()).isEqualTo(CaRotationPolicy.DEFAULT);
    assertThat(r.command().healthPort).isEqualTo(8081);
    assertThat(r.command().metricsPort).isEqualTo(8080);

    // The defaults file reached the fleet: what a Gateway without a GantryProxyConfig gets.
    FleetSettings fleet = FleetSettings.resolve(null, o.effectiveDefaults());
    assertThat(fleet.replicas()).isEqualTo(3);
    assertThat(fleet.image()).isEqualTo("ghcr.io/gantry-dev/gantry-proxy:0.1.0");
    assertThat(fleet.serviceType()).isEqualTo("ClusterIP");
    assertThat(fleet.logLevel()).isEqualTo("debug");
    assertThat(fleet.autoscaling()).as("autoscaling.enabled: false").isNull();
    assertThat(fleet.resources().getRequests().get("cpu").toString()).isEqualTo("500m");
    assertThat(o.proxyDefaults().imagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(o.proxyDefaults().rateLimit().redisUrl())
        .isEqualTo("redis://redis.gantry-system.svc:6379/0");
    assertThat(o.proxyDefaults().accessLog().sampleRatio()).isEqualTo(0.5);
  }

  @Test
  void thePlaintextControlChannelIsOnlyEverAnExplicitFlag() {
    Run r = parse(Map.of("POD_NAMESPACE", "edge"), "--insecure-control-channel");
    assertThat(r.code()).isZero();
    assertThat(r.command().options().control().insecure()).isTrue();
    assertThat(parse(Map.of("POD_NAMESPACE", "edge")).command().options().control().insecure())
        .isFalse();
  }

  @Test
  void aMissingDefaultsFileMeansBuiltInDefaultsAndThePodEnvironmentFillsTheRest(@TempDir Path dir) {
    Run r =
        parse(
            Map.of("POD_NAMESPACE", "edge"),
            "--proxy-defaults",
            dir.resolve("absent.yaml").toString());
    GantryOperator.Options o = r.command().options();
    assertThat(o.advertiseAddress()).isEqualTo("gantry-operator.edge.svc:18000");
    assertThat(o.leaseNamespace()).isEqualTo("edge");
    assertThat(o.leaseName()).isEqualTo(GantryOperator.LEASE_NAME);
    FleetSettings fleet = FleetSettings.resolve(null, o.effectiveDefaults());
    assertThat(fleet.replicas()).isEqualTo(FleetSettings.DEFAULT_REPLICAS);
    assertThat(fleet.serviceType()).isEqualTo("LoadBalancer");
  }

  @Test
  void aMalformedDefaultsFileIsAnErrorNamingTheFileAndField(@TempDir Path dir) throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "replicas: 2\nreplicaz: 3\n");
    OperatorCommand c = new OperatorCommand();
    c.env = Map.of();
    StringWriter err = new StringWriter();
    CommandLine cl = OperatorMain.commandLine(c);
    cl.setErr(new PrintWriter(err, true));
    // execute() runs options() first, which fails before any Kubernetes client is built.
    int code = cl.execute("--proxy-defaults", bad.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("--proxy-defaults: " + bad + " (expected: proxy defaults YAML): [replicaz]")
        .contains("unknown");

    Files.writeString(bad, "accessLog:\n  sampleRatio: 2\n");
    c = new OperatorCommand();
    c.env = Map.of();
    err = new StringWriter();
    cl = OperatorMain.commandLine(c);
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute("--proxy-defaults", bad.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("accessLog.sampleRatio: 2.0 (expected: 0.0 to 1.0)");

    Files.writeString(bad, "replicas: [1\n");
    c = new OperatorCommand();
    c.env = Map.of();
    err = new StringWriter();
    cl = OperatorMain.commandLine(c);
    cl.setErr(new PrintWriter(err, true));
    assertThat(cl.execute("--proxy-defaults", bad.toString())).isEqualTo(2);
    assertThat(err.toString()).startsWith("--proxy-defaults: " + bad);
  }

  @Test
  void oldAndUnknownFlagsAreRejected() {
    Run r = parse(Map.of(), "--grpc-port", "18000");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).contains("Unknown options: '--grpc-port'");
  }

  @Test
  void badValuesSayWhatWasExpected() {
    Run r = parse(Map.of(), "--snapshot-address", "no-port");
    assertThat(r.code()).isZero();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.command().options())
        .hasMessage("--snapshot-address: no-port (expected: HOST:PORT)");
    Run level = parse(Map.of(), "--log-level", "loud");
    assertThat(level.code()).isNotZero();
    assertThat(level.err()).contains("--log-level");
  }

  @Test
  void helpListsEveryFlag() {
    StringWriter out = new StringWriter();
    CommandLine cl = OperatorMain.commandLine(new OperatorCommand());
    cl.setOut(new PrintWriter(out, true));
    assertThat(cl.execute("--help")).isZero();
    assertThat(out.toString())
        .contains(
            "--snapshot-port",
            "--snapshot-address",
            "--health-port",
            "--metrics-port",
            "--log-level",
            "--lease-name",
            "--lease-namespace",
            "--ca-secret",
            "--proxy-defaults");
  }
}
