package dev.gantry.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One {@code bin/gantry proxy} process of a Gateway's fleet, started with the container arguments
 * of the fleet Deployment the operator created (operator address, gateway, log level, ...; the
 * snapshot file moved from the pod's emptyDir to the run directory) plus what a pod gets from its
 * environment: a node id and its own address — each replica listens and serves admin on its own
 * 127.0.0.x, so all of them serve the Gateway's listener port as pods would. Restartable: a restart
 * keeps the snapshot file, which is how a restarted pod finds its last good config.
 */
final class ProxyReplica implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient ADMIN =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final E2eEnvironment env;
  private final String name;
  private final String gateway;
  private final String host;
  private final int adminPort;
  private final Path dir;
  private List<String> fleetArgs;
  private Path controlCa;
  private Path controlToken;
  private ManagedProcess process;

  ProxyReplica(
      E2eEnvironment env, String name, String gateway, String host, int adminPort, Path dir) {
    this.env = env;
    this.name = name;
    this.gateway = gateway;
    this.host = host;
    this.adminPort = adminPort;
    this.dir = dir;
  }

  /** The fleet Deployment's container args (starting with "proxy"), as the operator wrote them. */
  ProxyReplica fleetArgs(List<String> args) {
    if (args.isEmpty() || !args.getFirst().equals("proxy") || !args.contains("--gateway")) {
      throw new IllegalArgumentException(
          "fleet Deployment args: " + args + " (expected: proxy --operator ... --gateway ...)");
    }
    this.fleetArgs = List.copyOf(args);
    return this;
  }

  /**
   * The local files standing in for the pod's mounted CA bundle and projected token: they replace
   * the values of {@code --control-ca} and {@code --control-token-file} in the fleet args.
   */
  ProxyReplica controlChannel(Path caFile, Path tokenFile) {
    this.controlCa = caFile;
    this.controlToken = tokenFile;
    return this;
  }

  ProxyReplica start() {
    List<String> command = new ArrayList<>();
    command.add(env.gantryScript().toString());
    for (int i = 0; i < fleetArgs.size(); i++) {
      String a = fleetArgs.get(i);
      command.add(a);
      Path local =
          switch (a) {
            case "--snapshot-file" -> dir.resolve(name + "-snapshot.json");
            case "--control-ca" -> required(a, controlCa);
            case "--control-token-file" -> required(a, controlToken);
            default -> null;
          };
      if (local != null && i + 1 < fleetArgs.size()) {
        command.add(local.toString());
        i++;
      }
    }
    command.add("--node-id=" + name);
    command.add("--listen-address=" + host);
    command.add("--admin-address=" + host + ":" + adminPort);
    process =
        ManagedProcess.start(
            name, dir, Map.of("GANTRY_JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1"), command);
    return this;
  }

  private static Path required(String flag, Path file) {
    if (file == null) {
      throw new IllegalStateException(
          flag + ": no local file (expected: controlChannel(ca, token) before start())");
    }
    return file;
  }

  String gateway() {
    return gateway;
  }

  String name() {
    return name;
  }

  String host() {
    return host;
  }

  int adminPort() {
    return adminPort;
  }

  ManagedProcess process() {
    return process;
  }

  boolean ready() {
    return readyStatus() == 200;
  }

  /** The admin /ready status code, or -1 while the admin server does not answer. */
  int readyStatus() {
    try {
      return ADMIN
          .send(
              HttpRequest.newBuilder(URI.create("http://" + host + ":" + adminPort + "/ready"))
                  .timeout(Duration.ofSeconds(1))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The admin /config document ({"version", "snapshot"}), or null while it does not answer. */
  JsonNode config() {
    try {
      HttpResponse<String> r =
          ADMIN.send(
              HttpRequest.newBuilder(URI.create("http://" + host + ":" + adminPort + "/config"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** The routing version this replica runs, or null. */
  String routingVersion() {
    JsonNode c = config();
    return c == null ? null : c.path("snapshot").path("routing").path("version").asText(null);
  }

  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
  }
}
