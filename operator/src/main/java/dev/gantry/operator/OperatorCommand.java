package dev.gantry.operator;

import dev.gantry.operator.control.CaRotationPolicy;
import dev.gantry.operator.control.ControlChannelOptions;
import dev.gantry.operator.fleet.ProxyDefaults;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gantry-operator}: exactly the flags the Helm chart's Deployment passes
 * (helm-chart/gantry/templates/deployment.yaml), plus {@code POD_NAME} / {@code POD_NAMESPACE} from
 * the downward API.
 */
@Command(
    name = "gantry-operator",
    mixinStandardHelpOptions = true,
    description =
        "Reconcile Gateway API resources into per-Gateway proxy fleets and stream their config.")
final class OperatorCommand implements Callable<Integer> {

  /** The levels the chart's values schema allows, mapped to java.util.logging. */
  enum LogLevel {
    trace(Level.FINEST),
    debug(Level.FINE),
    info(Level.INFO),
    warn(Level.WARNING),
    error(Level.SEVERE);

    final Level julLevel;

    LogLevel(Level julLevel) {
      this.julLevel = julLevel;
    }
  }

  @Option(
      names = "--snapshot-port",
      defaultValue = "18000",
      description = "Port of the gRPC snapshot stream (default: ${DEFAULT-VALUE}).")
  int snapshotPort;

  @Option(
      names = "--bind-address",
      description =
          "Address the snapshot, health and metrics ports bind (default: every interface; the E2E"
              + " tier binds 127.0.0.1 so nothing it starts listens beyond loopback).")
  String bindAddress;

  @Option(
      names = "--snapshot-address",
      description =
          "HOST:PORT proxies are told to dial (default: gantry-operator.$POD_NAMESPACE.svc:"
              + "<snapshot-port>).")
  String snapshotAddress;

  @Option(
      names = "--health-port",
      defaultValue = "8081",
      description = "Port of /ready and /live (default: ${DEFAULT-VALUE}).")
  int healthPort;

  @Option(
      names = "--metrics-port",
      defaultValue = "8080",
      description = "Port of Prometheus /metrics (default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @Option(
      names = "--log-level",
      defaultValue = "info",
      description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  LogLevel logLevel;

  @Option(
      names = "--lease-name",
      defaultValue = GantryOperator.LEASE_NAME,
      description = "Leader-election Lease name (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(
      names = "--lease-namespace",
      description = "Leader-election Lease namespace (default: $POD_NAMESPACE).")
  String leaseNamespace;

  @Option(
      names = "--ca-secret",
      defaultValue = "gantry-ca",
      description =
          "Secret in $POD_NAMESPACE where the operator keeps the snapshot stream's CA; created"
              + " and rotated by the operator (default: ${DEFAULT-VALUE}).")
  String caSecret;

  @Option(
      names = "--insecure-control-channel",
      description =
          "Serve snapshots over plaintext without authenticating proxies: any caller gets any"
              + " Gateway's config, Secrets included. Standalone runs and tests only.")
  boolean insecureControlChannel;

  @Option(
      names = "--proxy-defaults",
      description =
          "YAML with the fleet defaults (GantryProxyConfig spec plus rateLimit, accessLog, "
              + "tracing); a missing file means built-in defaults.")
  Path proxyDefaults;

  /** The environment; a field so tests can supply their own. */
  Map<String, String> env = System.getenv();

  /** Options for {@link GantryOperator#start}, validated; the one place flags become them. */
  GantryOperator.Options options() {
    String podNamespace = env.getOrDefault("POD_NAMESPACE", "gantry-system");
    String identity =
        env.getOrDefault("POD_NAME", "gantry-operator-" + ProcessHandle.current().pid());
    port("--snapshot-port", snapshotPort);
    port("--health-port", healthPort);
    port("--metrics-port", metricsPort);
    String advertise =
        snapshotAddress != null
            ? snapshotAddress
            : "gantry-operator." + podNamespace + ".svc:" + snapshotPort;
    int colon = advertise.lastIndexOf(':');
    if (colon <= 0 || !advertise.substring(colon + 1).matches("\\d{1,5}")) {
      throw new IllegalArgumentException(
          "--snapshot-address: " + advertise + " (expected: HOST:PORT)");
    }
    ProxyDefaults defaults =
        proxyDefaults == null ? ProxyDefaults.builtIn() : ProxyDefaults.read(proxyDefaults);
    return new GantryOperator.Options(
        bindAddress == null
            ? new InetSocketAddress(snapshotPort)
            : new InetSocketAddress(bindAddress, snapshotPort),
        advertise,
        null,
        leaseNamespace != null ? leaseNamespace : podNamespace,
        identity,
        Duration.ofSeconds(15),
        Duration.ofMillis(100),
        leaseName,
        defaults,
        insecureControlChannel
            ? ControlChannelOptions.insecureChannel()
            : ControlChannelOptions.secured(
                podNamespace, caSecret, CaRotationPolicy.DEFAULT, env.get("POD_IP")));
  }

  private static String podNamespace(GantryOperator.Options options) {
    return options.control().caNamespace();
  }

  private static void port(String option, int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(option + ": " + port + " (expected: a port 0..65535)");
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    Logger.getLogger("").setLevel(logLevel.julLevel);
    for (var handler : Logger.getLogger("").getHandlers()) {
      handler.setLevel(logLevel.julLevel);
    }
    GantryOperator.Options options = options();
    KubernetesClient client = new KubernetesClientBuilder().build();
    GantryOperator operator = GantryOperator.start(client, options);
    OperatorEndpoints endpoints =
        OperatorEndpoints.start(
            new InetSocketAddress(options.grpcAddress().getAddress(), healthPort),
            new InetSocketAddress(options.grpcAddress().getAddress(), metricsPort),
            operator::isReady,
            operator::isLive,
            operator.metrics());
    System.Logger log = System.getLogger(OperatorCommand.class.getName());
    log.log(
        System.Logger.Level.INFO,
        "gantry-operator {0}: snapshots on :{1} (proxies dial {2}), health :{3}, metrics :{4},"
            + " lease {5}/{6}, control channel {7}",
        options.identity(),
        snapshotPort,
        options.advertiseAddress(),
        healthPort,
        metricsPort,
        options.leaseNamespace(),
        options.leaseName(),
        insecureControlChannel
            ? "INSECURE (plaintext, no authentication)"
            : "TLS, CA secret " + podNamespace(options) + "/" + caSecret);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  endpoints.close();
                  operator.close();
                  client.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
