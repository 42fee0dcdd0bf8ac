package dev.gantry.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One operator replica as a process from the shaded jar, with the arguments the chart's Deployment
 * passes (helm-chart/gantry/templates/deployment.yaml), POD_NAME/POD_NAMESPACE as the downward API
 * would set them, and a kubeconfig holding the chart ServiceAccount's token — so anything the
 * chart's RBAC does not grant fails here as it would in a cluster. Ports bind 127.0.0.1.
 */
final class OperatorReplica implements AutoCloseable {

  private static final HttpClient HEALTH =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final E2eEnvironment env;
  private final String name;
  private final String namespace;
  private final Path kubeconfig;
  private final Path proxyDefaults;
  private final String advertise;
  private final String leaseName;
  private final String caSecret;
  private final int snapshotPort;
  private final int healthPort;
  private final int metricsPort;
  private final Path dir;
  private ManagedProcess process;

  OperatorReplica(
      E2eEnvironment env,
      String name,
      String namespace,
      Path kubeconfig,
      Path proxyDefaults,
      String advertise,
      String leaseName,
      String caSecret,
      Path dir) {
    this.env = env;
    this.name = name;
    this.namespace = namespace;
    this.kubeconfig = kubeconfig;
    this.proxyDefaults = proxyDefaults;
    this.advertise = advertise;
    this.leaseName = leaseName;
    this.caSecret = caSecret;
    this.dir = dir;
    this.snapshotPort = Ports.free("127.0.0.1");
    this.healthPort = Ports.free("127.0.0.1");
    this.metricsPort = Ports.free("127.0.0.1");
  }

  OperatorReplica start() {
    process =
        ManagedProcess.start(
            name,
            dir,
            Map.of(
                "KUBECONFIG", kubeconfig.toString(),
                "POD_NAME", name,
                "POD_NAMESPACE", namespace),
            List.of(
                env.java().toString(),
                "-Xmx384m",
                "-XX:TieredStopAtLevel=1",
                "-jar",
                env.operatorJar().toString(),
                "--bind-address=127.0.0.1",
                "--snapshot-port=" + snapshotPort,
                "--snapshot-address=" + advertise,
                "--health-port=" + healthPort,
                "--metrics-port=" + metricsPort,
                "--log-level=info",
                "--lease-name=" + leaseName,
                "--lease-namespace=" + namespace,
                "--ca-secret=" + caSecret,
                "--proxy-defaults=" + proxyDefaults));
    return this;
  }

  String name() {
    return name;
  }

  int snapshotPort() {
    return snapshotPort;
  }

  int healthPort() {
    return healthPort;
  }

  ManagedProcess process() {
    return process;
  }

  boolean ready() {
    try {
      return HEALTH
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + healthPort + "/ready"))
                      .timeout(Duration.ofSeconds(1))
                      .build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }
}
