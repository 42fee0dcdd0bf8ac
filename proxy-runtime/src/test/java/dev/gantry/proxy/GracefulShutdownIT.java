package dev.gantry.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.testing.LeakGuard;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Zero failed requests while one of two proxies shuts down under load. Two real {@code gantry
 * standalone} processes (started through {@code bin/gantry}, the shipped command line) sit behind
 * haproxy, which health-checks their admin {@code /ready} every 200 ms (down after 2 failures); a
 * client keeps several keep-alive connections busy with a few thousand requests; one proxy gets
 * SIGTERM ({@link Process#destroy()}) in the middle. The draining proxy fails readiness, keeps
 * serving for its drain period (1 s here, more than haproxy's 2 x 200 ms), answers with {@code
 * Connection: close}, closes its listener, finishes what is in flight and exits; haproxy moves
 * everything to the other proxy. Not one request may fail.
 *
 * <p>Needs haproxy (Debian package {@code haproxy}; {@code .ci/run} installs it and exports {@code
 * GANTRY_HAPROXY}) and the shaded jar of this build ({@code package} runs before the ITs). Without
 * haproxy the test is skipped outside CI and fails in CI.
 */
@ExtendWith(LeakGuard.class)
class GracefulShutdownIT {
  /**
   * More than haproxy needs to mark a proxy down (2 x 200 ms). {@code -Dgantry.it.drainPeriodMs=0}
   * shows what the period buys: with the listener closing at once, requests fail.
   */
  private static final Duration DRAIN_PERIOD =
      Duration.ofMillis(Long.getLong("gantry.it.drainPeriodMs", 1000));

  private static final int CONNECTIONS = 8;
  private static final int REQUESTS = 4000;
  private static final int SIGTERM_AFTER = 1200;
  private static final Pattern ADMIN_PORT =
      Pattern.compile("admin on http://127\\.0\\.0\\.1:(\\d+)");

  @Test
  void sigtermedProxyDrainsBehindHaproxyWithoutAFailedRequest() throws Exception {
    String haproxy = haproxyBinary();
    Path gantry = Path.of("..", "bin", "gantry").toAbsolutePath().normalize();
    Path jar = Path.of("target", "gantry.jar").toAbsolutePath();
    assertThat(jar).as("the shaded jar (built by `package`, before the ITs)").exists();
    Path work = Files.createTempDirectory("gantry-graceful");
    List<Process> processes = new ArrayList<>();
    try (EchoServer echo = EchoServer.start("127.0.0.1", 0, "echo")) {
      Proxy a = Proxy.start("a", gantry, jar, work, echo.port(), processes);
      Proxy b = Proxy.start("b", gantry, jar, work, echo.port(), processes);
      a.awaitReady();
      b.awaitReady();

      int frontPort = freePort();
      Path cfg = work.resolve("haproxy.cfg");
      Files.writeString(cfg, haproxyConfig(frontPort, a, b));
      Process lb =
          new ProcessBuilder(haproxy, "-db", "-f", cfg.toString())
              .redirectErrorStream(true)
              .redirectOutput(work.resolve("haproxy.log").toFile())
              .start();
      processes.add(lb);

      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      URI uri = URI.create("http://127.0.0.1:" + frontPort + "/load?delay=5ms");
      awaitBothServing(client, uri, lb, work);

      // Continuous load: CONNECTIONS workers, each sending its next request as soon as the last
      // one is answered, over keep-alive connections, until REQUESTS have been sent.
      AtomicInteger sent = new AtomicInteger();
      LongAdder ok = new LongAdder();
      Map<String, String> failures = new ConcurrentHashMap<>();
      Map<String, LongAdder> byProxyBefore = new ConcurrentHashMap<>();
      Map<String, LongAdder> byProxyAfter = new ConcurrentHashMap<>();
      AtomicLong sigtermAt = new AtomicLong();
      AtomicLong maxLatencyNanos = new AtomicLong();
      ExecutorService workers = Executors.newFixedThreadPool(CONNECTIONS);
      long loadStart = System.nanoTime();
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < CONNECTIONS; w++) {
        running.add(
            workers.submit(
                () -> {
                  int n;
                  while ((n = sent.incrementAndGet()) <= REQUESTS) {
                    long t0 = System.nanoTime();
                    try {
                      HttpResponse<String> r =
                          client.send(
                              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(15)).build(),
                              HttpResponse.BodyHandlers.ofString());
                      if (r.statusCode() == 200) {
                        ok.increment();
                        String proxy = r.headers().firstValue("x-proxy").orElse("?");
                        (sigtermAt.get() == 0 ? byProxyBefore : byProxyAfter)
                            .computeIfAbsent(proxy, k -> new LongAdder())
                            .increment();
                      } else {
                        failures.put("#" + n, "status " + r.statusCode() + " " + r.body());
                      }
                    } catch (IOException | InterruptedException e) {
                      failures.put("#" + n, e.toString());
                    }
                    maxLatencyNanos.accumulateAndGet(System.nanoTime() - t0, Math::max);
                  }
                }));
      }
      while (ok.sum() + failures.size() < SIGTERM_AFTER) {
        Thread.sleep(5);
      }
      sigtermAt.set(System.nanoTime());
      a.process.destroy(); // SIGTERM
      boolean exited = a.process.waitFor(30, TimeUnit.SECONDS);
      long drainMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigtermAt.get());
      for (Future<?> f : running) {
        f.get(120, TimeUnit.SECONDS);
      }
      workers.shutdown();
      long loadMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - loadStart);
      String aLog = Files.readString(a.log);

      System.out.printf(
          "GracefulShutdownIT: %d requests over %d keep-alive connections in %d ms: %d ok, %d"
              + " failed; before SIGTERM by proxy %s, after %s; proxy a exited %d ms after"
              + " SIGTERM (drain period %d ms), max latency %d ms%n",
          REQUESTS,
          CONNECTIONS,
          loadMs,
          ok.sum(),
          failures.size(),
          byProxyBefore,
          byProxyAfter,
          drainMs,
          DRAIN_PERIOD.toMillis(),
          TimeUnit.NANOSECONDS.toMillis(maxLatencyNanos.get()));
      aLog.lines().filter(l -> l.contains("drain")).forEach(l -> System.out.println("  a: " + l));
      failures.entrySet().stream()
          .limit(5)
          .forEach(f -> System.out.println("  failed " + f.getKey() + ": " + f.getValue()));

      assertThat(failures).as("failed requests").isEmpty();
      assertThat(ok.sum()).isEqualTo(REQUESTS);
      assertThat(exited).as("proxy a exits after its drain").isTrue();
      assertThat(a.process.exitValue()).as("exit status after SIGTERM").isEqualTo(143);
      assertThat(drainMs).isGreaterThanOrEqualTo(DRAIN_PERIOD.toMillis());
      assertThat(byProxyBefore).containsKeys("a", "b");
      assertThat(byProxyAfter.get("b").sum())
          .as("the load went on, on proxy b")
          .isGreaterThan(REQUESTS - SIGTERM_AFTER - 2L * CONNECTIONS - 200);
      // Each phase is logged, with counts, even though the JVM is shutting down.
      assertThat(aLog)
          .contains("drain default/gw 1/4: readiness failing; serving ")
          .contains("2/4: listeners closed")
          .contains("3/4: every connection finished after")
          .contains("4/4: stopped after");
      assertThat(b.process.isAlive()).isTrue();
    } finally {
      for (Process p : processes) {
        p.destroy();
      }
      for (Process p : processes) {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
  }

  /** haproxy from GANTRY_HAPROXY or PATH; skipped without it unless in CI, where it must exist. */
  private static String haproxyBinary() {
    String configured = System.getenv("GANTRY_HAPROXY");
    String binary = configured != null && !configured.isBlank() ? configured : "haproxy";
    try {
      Process p = new ProcessBuilder(binary, "-v").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return binary;
      }
    } catch (IOException | InterruptedException e) {
      // not runnable: handled below
    }
    String why =
        "haproxy: "
            + binary
            + " not runnable (expected: the Debian package haproxy; .ci/run installs it, or run"
            + " apt-get install -y haproxy)";
    if (System.getenv("CI") != null || System.getenv("GANTRY_HAPROXY") != null) {
      throw new AssertionError(why);
    }
    Assumptions.abort(why);
    return binary;
  }

  private static String haproxyConfig(int frontPort, Proxy a, Proxy b) {
    return String.join(
        "\n",
        "global",
        "  maxconn 512",
        "defaults",
        "  mode http",
        "  timeout connect 2s",
        "  timeout client 30s",
        "  timeout server 30s",
        "  option http-keep-alive",
        // No retries, no redispatch: like many cloud load balancers, haproxy may not hide a
        // refused or reset connection here; the drain alone has to avoid them.
        "  retries 0",
        "frontend fe",
        "  bind 127.0.0.1:" + frontPort,
        "  default_backend proxies",
        "backend proxies",
        "  balance roundrobin",
        "  option httpchk GET /ready",
        "  http-check expect status 200",
        "  server a 127.0.0.1:"
            + a.listenerPort
            + " check port "
            + a.adminPort
            + " inter 200ms fall 2 rise 2",
        "  server b 127.0.0.1:"
            + b.listenerPort
            + " check port "
            + b.adminPort
            + " inter 200ms fall 2 rise 2",
        "");
  }

  /** Until haproxy has both proxies up (answers name both), bounded. */
  private static void awaitBothServing(HttpClient client, URI uri, Process lb, Path work)
      throws Exception {
    java.util.Set<String> seen = new java.util.HashSet<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (seen.size() < 2) {
      if (System.nanoTime() > deadline || !lb.isAlive()) {
        throw new AssertionError(
            "haproxy: both proxies not serving within 20 s (saw "
                + seen
                + "; log: "
                + Files.readString(work.resolve("haproxy.log"))
                + ")");
      }
      try {
        HttpResponse<String> r =
            client.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          r.headers().firstValue("x-proxy").ifPresent(seen::add);
        }
      } catch (IOException e) {
        // haproxy still starting
      }
      Thread.sleep(20);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** One {@code gantry standalone} process serving Gateway default/gw on its own port. */
  private record Proxy(String name, Process process, Path log, int listenerPort, int adminPort) {

    static Proxy start(
        String name, Path gantry, Path jar, Path work, int echoPort, List<Process> processes)
        throws Exception {
      int listenerPort = freePort();
      Path dir = Files.createDirectories(work.resolve(name));
      Files.writeString(dir.resolve("gateway.yaml"), gatewayYaml(name, listenerPort, echoPort));
      Path log = work.resolve(name + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  gantry.toString(),
                  "standalone",
                  dir.toString(),
                  "--listen-address",
                  "127.0.0.1",
                  "--admin-address",
                  "127.0.0.1:0",
                  "--drain-period",
                  DRAIN_PERIOD.toMillis() + "ms",
                  "--drain-timeout",
                  "10s")
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().put("GANTRY_JAR", jar.toString());
      // Two proxies, haproxy and the load share two cores: a small heap, quick start.
      pb.environment().put("GANTRY_GC", "-XX:+UseSerialGC");
      pb.environment().put("GANTRY_JAVA_OPTS", "-Xmx192m -XX:TieredStopAtLevel=1");
      Process p = pb.start();
      processes.add(p);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        Matcher m = ADMIN_PORT.matcher(Files.readString(log));
        if (m.find()) {
          return new Proxy(name, p, log, listenerPort, Integer.parseInt(m.group(1)));
        }
        if (!p.isAlive() || System.nanoTime() > deadline) {
          throw new AssertionError(
              "gantry standalone " + name + " did not start (log: " + Files.readString(log) + ")");
        }
        Thread.sleep(50);
      }
    }

    void awaitReady() throws Exception {
      HttpClient c = HttpClient.newHttpClient();
      URI ready = URI.create("http://127.0.0.1:" + adminPort + "/ready");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (true) {
        try {
          if (c.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.discarding())
                  .statusCode()
              == 200) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "gantry standalone "
                  + name
                  + " not ready in 30 s (log: "
                  + Files.readString(log)
                  + ")");
        }
        Thread.sleep(50);
      }
    }

    private static String gatewayYaml(String name, int listenerPort, int echoPort) {
      return """
          apiVersion: gateway.networking.k8s.io/v1
          kind: GatewayClass
          metadata:
            name: gantry
          spec:
            controllerName: gantry.dev/gateway-controller
          ---
          apiVersion: gateway.networking.k8s.io/v1
          kind: Gateway
          metadata:
            name: gw
            namespace: default
          spec:
            gatewayClassName: gantry
            listeners:
            - name: http
              protocol: HTTP
              port: %d
          ---
          apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata:
            name: all
            namespace: default
          spec:
            parentRefs:
            - name: gw
            rules:
            - filters:
              - type: ResponseHeaderModifier
                responseHeaderModifier:
                  set:
                  - name: x-proxy
                    value: %s
              backendRefs:
              - name: echo
                port: 80
          ---
          apiVersion: v1
          kind: Service
          metadata:
            name: echo
            namespace: default
          spec:
            ports:
            - name: http
              port: 80
              targetPort: %d
          ---
          apiVersion: discovery.k8s.io/v1
          kind: EndpointSlice
          metadata:
            name: echo-local
            namespace: default
            labels:
              kubernetes.io/service-name: echo
          addressType: IPv4
          ports:
          - name: http
            port: %d
            protocol: TCP
          endpoints:
          - addresses: ["127.0.0.1"]
            conditions:
              ready: true
          """
          .formatted(listenerPort, name, echoPort, echoPort);
    }
  }
}
