package dev.gantry.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * haproxy on 127.0.0.1 in front of the proxy fleet (what a cloud load balancer is to the fleet's
 * Service) and in front of the operators' snapshot ports (what the operator Service is to proxies).
 *
 * <p>Both backends have active health checks on the admin/health port's {@code /ready}, fast enough
 * for a test (every 200 ms, down after 2 failures, up after 2 successes). Retries cover only
 * connection failures ({@code retry-on conn-failure}): a request already sent to a proxy that dies
 * is not replayed, so the tier sees — and counts — exactly the requests in flight on a killed
 * proxy. Every response, haproxy's own errors included, names the server in {@code
 * x-e2e-lb-server}, which is how failures are attributed.
 */
final class HaproxyLoadBalancer implements AutoCloseable {

  record Server(String name, String host, int port, int checkPort) {}

  private final ManagedProcess process;
  private final Path socket;
  private final int httpPort;
  private final int operatorPort;

  private HaproxyLoadBalancer(ManagedProcess process, Path socket, int httpPort, int operatorPort) {
    this.process = process;
    this.socket = socket;
    this.httpPort = httpPort;
    this.operatorPort = operatorPort;
  }

  static HaproxyLoadBalancer start(
      Path binary,
      Path dir,
      int httpPort,
      List<Server> proxies,
      int operatorPort,
      List<Server> operators) {
    StringBuilder cfg = new StringBuilder();
    cfg.append(
        """
        global
          maxconn 2000
          # One line per request on stdout (haproxy.log in the run directory): termination states
          # show what happened to each request when a proxy died.
          log stdout format raw local0
          # The runtime API: the tier reads each server's current sessions from it (show stat).
          stats socket %s mode 600 level operator

        defaults
          log global
          timeout connect 2s
          timeout client 30s
          timeout server 10s
          timeout check 1s
          retries 3
          option redispatch 1

        frontend gateway
          mode http
          option httplog
          bind 127.0.0.1:%d
          option http-keep-alive
          default_backend proxies

        backend proxies
          mode http
          balance roundrobin
          retry-on conn-failure
          option httpchk GET /ready
          http-check expect status 200
          http-after-response set-header x-e2e-lb-server %%s
        """
            .formatted(dir.resolve("haproxy.sock"), httpPort));
    for (Server s : proxies) {
      cfg.append(
          "  server %s %s:%d check port %d inter 200ms fall 2 rise 2\n"
              .formatted(s.name(), s.host(), s.port(), s.checkPort()));
    }
    // The operators: all proxies on the first one while it is up (the second is a backup), so the
    // leader sees every proxy's ACK; killing it moves every stream to the second operator.
    cfg.append(
        """

        frontend operators
          mode tcp
          bind 127.0.0.1:%d
          timeout client 1h
          default_backend operators

        backend operators
          mode tcp
          timeout server 1h
          option httpchk GET /ready
          http-check expect status 200
        """
            .formatted(operatorPort));
    for (int i = 0; i < operators.size(); i++) {
      Server s = operators.get(i);
      cfg.append(
          "  server %s %s:%d check port %d inter 500ms fall 2 rise 2%s\n"
              .formatted(s.name(), s.host(), s.port(), s.checkPort(), i == 0 ? "" : " backup"));
    }
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve("haproxy.cfg");
      Files.writeString(file, cfg.toString());
      Commands.run(
          java.time.Duration.ofSeconds(20),
          Map.of(),
          List.of(binary.toString(), "-c", "-f", file.toString()));
      // -db: foreground, no daemon, so the PID we hold is haproxy's and stopping it is a signal.
      ManagedProcess p =
          ManagedProcess.start(
              "haproxy", dir, Map.of(), List.of(binary.toString(), "-db", "-f", file.toString()));
      return new HaproxyLoadBalancer(p, dir.resolve("haproxy.sock"), httpPort, operatorPort);
    } catch (IOException e) {
      throw new IllegalStateException("haproxy config in " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Requests haproxy is currently processing on {@code server} of the proxies backend (the scur
   * column of {@code show stat}), or -1 when the runtime API does not answer.
   */
  int activeSessions(String server) {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(ByteBuffer.wrap("show stat\n".getBytes(StandardCharsets.US_ASCII)));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(8192);
      while (ch.read(buf) >= 0) {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      }
      // CSV: pxname,svname,qcur,qmax,scur,...
      for (String line : out.toString(StandardCharsets.US_ASCII).split("\n")) {
        String[] f = line.split(",");
        if (f.length > 4 && f[0].equals("proxies") && f[1].equals(server)) {
          return Integer.parseInt(f[4]);
        }
      }
      return -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  int httpPort() {
    return httpPort;
  }

  int operatorPort() {
    return operatorPort;
  }

  ManagedProcess process() {
    return process;
  }

  @Override
  public void close() {
    process.close();
  }
}
