package dev.gantry.proxy.cli;

import dev.gantry.proxy.DrainSettings;
import dev.gantry.proxy.admin.AdminHandlers;
import dev.gantry.proxy.admin.AdminServer;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.observe.Observability;
import dev.gantry.proxy.standalone.LoadedResources;
import dev.gantry.proxy.standalone.LoopbackEndpoints;
import dev.gantry.proxy.standalone.ResourceDirectory;
import dev.gantry.proxy.standalone.StandaloneServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gantry standalone DIR}: serve the Gateways in a folder of YAML, without Kubernetes. */
@Command(
    name = "standalone",
    mixinStandardHelpOptions = true,
    description = {
      "Serve every Gateway of a Gantry GatewayClass found in DIR, and hot-reload when DIR changes.",
      "Services resolve through the EndpointSlices in DIR, exactly as in a cluster."
    })
final class StandaloneCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "DIR", description = "Folder of Kubernetes YAML.")
  Path dir;

  @Option(
      names = "--listen-address",
      defaultValue = "0.0.0.0",
      description = "Address every listener binds (default: ${DEFAULT-VALUE}).")
  String listenAddress;

  @Option(
      names = "--admin-address",
      defaultValue = "127.0.0.1:9901",
      description =
          "HOST:PORT of the admin endpoint: /ready /live /config /metrics (default: ${DEFAULT-VALUE}).")
  String adminAddress;

  @Option(
      names = "--echo-backends",
      description =
          "Also start an echo backend for every loopback endpoint in DIR's EndpointSlices (quickstart).")
  boolean echoBackends;

  @Option(
      names = "--debounce-ms",
      defaultValue = "300",
      description =
          "Quiet time after a change in DIR before reloading (default: ${DEFAULT-VALUE}).")
  long debounceMillis;

  @picocli.CommandLine.Mixin RateLimitOptions rateLimits = new RateLimitOptions();

  @picocli.CommandLine.Mixin DrainOptions drain = new DrainOptions();
  @picocli.CommandLine.Mixin ObservabilityOptions observe = new ObservabilityOptions();

  @picocli.CommandLine.Mixin HttpLimitOptions httpLimits = new HttpLimitOptions();

  @picocli.CommandLine.Mixin EventLoopOptions loops = new EventLoopOptions();

  @Override
  public Integer call() throws Exception {
    loops.applyTransport();
    HostPort admin = HostPort.parse(adminAddress, "--admin-address");
    if (!java.nio.file.Files.isDirectory(dir)) {
      // The folder is watched for changes, so it must exist at start (files in it may not yet).
      System.err.println("error: DIR: " + dir + " (expected: an existing folder)");
      return 2;
    }
    Clock clock = Clock.systemUTC();
    ResourceDirectory directory = new ResourceDirectory(dir.toAbsolutePath().normalize(), clock);
    List<AutoCloseable> closeables = new ArrayList<>();
    LoadedResources initial = null;
    if (echoBackends) {
      initial = directory.load();
      for (var e : LoopbackEndpoints.of(initial).entrySet()) {
        String host = e.getKey().getHostString();
        EchoServer echo = EchoServer.start(host, e.getKey().getPort(), e.getValue());
        closeables.add(echo);
        System.err.println(
            "echo backend " + e.getValue() + " listening on " + host + ":" + echo.port());
      }
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    observe.configure(registry);
    Observability observability = Observability.create(observe.settings(), registry);
    // Closed last, after the proxies, so that their final requests are still written.
    closeables.add(observability);
    StandaloneServer server = new StandaloneServer(directory, listenAddress, registry, clock);
    server.rateLimits(rateLimits.settings());
    server.observability(observability);
    server.limits(httpLimits.limits());
    server.eventLoops(loops.eventLoops());
    Gauge.builder("gantry_standalone_reloads", server, StandaloneServer::reloads)
        .description("Folder reloads applied")
        .register(registry);
    Gauge.builder("gantry_standalone_reload_failures", server, StandaloneServer::failedReloads)
        .description("Folder reloads rejected because of errors")
        .register(registry);
    server.start(debounceMillis, initial);
    closeables.add(0, server);
    AdminServer adminServer =
        AdminServer.start(
            admin.host(),
            admin.port(),
            new AdminHandlers(server::ready, server::configJson, registry));
    closeables.add(0, adminServer);
    System.err.println(
        "gantry standalone serving "
            + directory.root()
            + "; admin on http://"
            + admin.host()
            + ":"
            + adminServer.port()
            + " (/ready /live /config /metrics)");

    CountDownLatch stopped = new CountDownLatch(1);
    DrainSettings drainSettings = drain.settings(Duration.ZERO);
    GantryLogManager.hold();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    // SIGTERM: /ready fails while the admin endpoint stays up; every Gateway
                    // drains; then the admin endpoint and the echo backends close.
                    server.drain(drainSettings);
                    closeAll(closeables);
                  } finally {
                    GantryLogManager.release();
                    stopped.countDown();
                  }
                },
                "gantry-drain"));
    stopped.await();
    return 0;
  }

  private static void closeAll(List<AutoCloseable> closeables) {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception ignored) {
        // Shutting down: nothing useful to do with a failure to close.
      }
    }
  }
}
