package dev.gantry.proxy.cli;

import dev.gantry.model.CanonicalJson;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.proxy.DrainSettings;
import dev.gantry.proxy.GantryProxy;
import dev.gantry.proxy.ProxySettings;
import dev.gantry.proxy.admin.AdminHandlers;
import dev.gantry.proxy.admin.AdminServer;
import dev.gantry.proxy.control.ProxyControlOptions;
import dev.gantry.proxy.control.SnapshotClient;
import dev.gantry.proxy.control.SnapshotSink;
import dev.gantry.proxy.observe.Observability;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gantry proxy}: one replica of a Gateway's proxy fleet. Its config comes from the operator
 * over the snapshot stream; the last good snapshot is kept on local disk so a restarted proxy
 * serves while the operator is away.
 */
@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = "Run a proxy of a Gateway's fleet, configured by the operator's snapshot stream.")
final class ProxyCommand implements Callable<Integer> {

  @Option(
      names = "--operator",
      required = true,
      description = "HOST:PORT of the operator's snapshot stream.")
  String operator;

  @Option(
      names = "--gateway",
      required = true,
      description = "NAMESPACE/NAME of this proxy's Gateway.")
  String gateway;

  @Option(
      names = "--node-id",
      description = "This proxy's id in ACKs and status (default: $POD_NAME, else the host name).")
  String nodeId;

  @Option(
      names = "--snapshot-file",
      defaultValue = ProxyControlOptions.DEFAULT_SNAPSHOT_FILE,
      description = "Where the last good snapshot is kept (default: ${DEFAULT-VALUE}).")
  Path snapshotFile;

  @Option(
      names = "--control-ca",
      defaultValue = ProxyControlOptions.DEFAULT_CONTROL_CA,
      description =
          "PEM CA bundle the operator's certificate must chain to; re-read when it changes"
              + " (default: ${DEFAULT-VALUE}).")
  Path controlCa;

  @Option(
      names = "--control-token-file",
      defaultValue = ProxyControlOptions.DEFAULT_CONTROL_TOKEN_FILE,
      description =
          "Projected ServiceAccount token (audience gantry.dev/snapshot-stream) sent to the"
              + " operator; re-read on every connect (default: ${DEFAULT-VALUE}).")
  Path controlTokenFile;

  @Option(
      names = "--insecure-control-channel",
      description =
          "Dial the operator over plaintext without a token (the operator must run with the same"
              + " flag). Standalone runs and tests only.")
  boolean insecureControlChannel;

  @Option(
      names = "--listen-address",
      defaultValue = "0.0.0.0",
      description = "Address every listener binds (default: ${DEFAULT-VALUE}).")
  String listenAddress;

  @Option(
      names = "--admin-address",
      defaultValue = "0.0.0.0:9901",
      description = "HOST:PORT of /ready /live /config /metrics (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @picocli.CommandLine.Mixin RateLimitOptions rateLimits = new RateLimitOptions();

  @picocli.CommandLine.Mixin DrainOptions drain = new DrainOptions();
  @picocli.CommandLine.Mixin ObservabilityOptions observe = new ObservabilityOptions();

  @picocli.CommandLine.Mixin HttpLimitOptions httpLimits = new HttpLimitOptions();

  @picocli.CommandLine.Mixin EventLoopOptions loops = new EventLoopOptions();

  @Option(
      names = "--log-level",
      defaultValue = "info",
      description = "One of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  LogLevel logLevel;

  /** The levels the fleet's GantryProxyConfig allows (CRD enum), mapped to java.util.logging. */
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

  /** The control-channel settings, validated; the one place the flags become that value. */
  ProxyControlOptions controlOptions() throws java.net.UnknownHostException {
    String id =
        nodeId != null
            ? nodeId
            : System.getenv().getOrDefault("POD_NAME", InetAddress.getLocalHost().getHostName());
    return new ProxyControlOptions(
        operator, gateway, id, snapshotFile, controlCa, controlTokenFile, insecureControlChannel);
  }

  @Override
  public Integer call() throws Exception {
    loops.applyTransport();
    ProxyControlOptions control = controlOptions();
    HostPort admin = HostPort.parse(adminAddress, "--admin-address");
    // The root logger's level; the console handler passes everything it is given.
    Logger.getLogger("").setLevel(logLevel.julLevel);
    String id = control.nodeId();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    observe.configure(registry);
    Observability observability = Observability.create(observe.settings(), registry);
    GantryProxy proxy =
        GantryProxy.start(
            new ProxySettings(
                listenAddress,
                p -> p,
                loops.eventLoops(),
                registry,
                gateway,
                rateLimits.settings()),
            observability);
    // Before the first snapshot binds a listener, so every connection gets these limits.
    proxy.limits(httpLimits.limits());
    SnapshotClient client =
        control.client(
            new SnapshotSink() {
              @Override
              public void apply(GatewaySnapshot s) {
                proxy.apply(s);
              }

              @Override
              public void readyReplicas(int replicas) {
                proxy.readyReplicas(replicas);
              }
            });
    Gauge.builder("gantry_control_reconnects", client, SnapshotClient::reconnects)
        .description("Times the snapshot stream to the operator was re-established")
        .register(registry);
    client.start();
    AdminServer adminServer =
        AdminServer.start(
            admin.host(),
            admin.port(),
            new AdminHandlers(
                () -> client.isReady() && proxy.ready(),
                () ->
                    proxy
                        .current()
                        .map(
                            s ->
                                CanonicalJson.toPrettyJson(
                                    java.util.Map.of(
                                        "version",
                                        s.version(),
                                        "snapshot",
                                        dev.gantry.model.GatewaySnapshot.of(
                                            s.gateway(),
                                            s.routing(),
                                            s.endpoints(),
                                            s.secrets().redacted()))))
                        .orElse("{}"),
                registry));
    System.err.println(
        "gantry proxy "
            + id
            + " for "
            + gateway
            + " via "
            + operator
            + (insecureControlChannel ? " (INSECURE control channel)" : " (TLS)")
            + "; admin on "
            + adminAddress);
    CountDownLatch stopped = new CountDownLatch(1);
    DrainSettings drainSettings = drain.settings(DrainSettings.CLUSTER.period());
    GantryLogManager.hold();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    // SIGTERM: the admin endpoint stays up through the drain, so /ready answers
                    // 503 (not "connection refused") and /metrics still scrapes; the snapshot
                    // stream keeps endpoint updates flowing while requests finish.
                    proxy.drain(drainSettings);
                    client.close();
                    adminServer.close();
                    observability.close();
                  } finally {
                    GantryLogManager.release();
                    stopped.countDown();
                  }
                },
                "gantry-drain"));
    stopped.await();
    return 0;
  }
}
