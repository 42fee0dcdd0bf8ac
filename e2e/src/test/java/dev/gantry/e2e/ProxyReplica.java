package dev.gantry.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One {@code bin/gantry proxy} process of a Gateway's fleet, started with the flags the fleet
 * Deployment passes (operator address, gateway, snapshot file, log level) plus the loopback address
 * its listeners and admin port bind: each replica has its own 127.0.0.x, so all of them serve the
 * Gateway's listener port as pods would. Restartable: a restart keeps the snapshot file, which is
 * how a restarted pod finds its last good config.
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
  private final String operator;
  private final Path dir;
  private ManagedProcess process;

  ProxyReplica(
      E2eEnvironment env,
      String name,
      String gateway,
      String host,
      int adminPort,
      String operator,
      Path dir) {
    this.env = env;
    this.name = name;
    this.gateway = gateway;
    this.host = host;
    this.adminPort = adminPort;
    this.operator = operator;
    this.dir = dir;
  }

  ProxyReplica start() {
    process =
        ManagedProcess.start(
            name,
            dir,
            Map.of("GANTRY_JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1"),
            List.of(
                env.gantryScript().toString(),
                "proxy",
                "--operator=" + operator,
                "--gateway=" + gateway,
                "--node-id=" + name,
                "--snapshot-file=" + dir.resolve(name + "-snapshot.json"),
                "--listen-address=" + host,
                "--admin-address=" + host + ":" + adminPort,
                "--log-level=info"));
    return this;
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
    try {
      return ADMIN
              .send(
                  HttpRequest.newBuilder(URI.create("http://" + host + ":" + adminPort + "/ready"))
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
