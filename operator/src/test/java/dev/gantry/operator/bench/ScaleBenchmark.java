package dev.gantry.operator.bench;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.operator.GantryOperator;
import dev.gantry.operator.testing.FakeTranslation;
import dev.gantry.operator.testing.MockCluster;
import dev.gantry.proxy.control.Backoff;
import dev.gantry.proxy.control.SnapshotClient;
import dev.gantry.proxy.control.SnapshotSink;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator at scale (issue 4): 5,000 HTTPRoutes on 50 Gateways with 10 connected proxies each,
 * everything in one JVM on loopback (Fabric8 mock API server, the operator, 500 SnapshotClients).
 * Measures, per change: HTTPRoute edit → all 10 proxies of the Gateway ACKed the new routing
 * version; EndpointSlice edit → all 10 proxies applied the new endpoints; status writes per route
 * change; and the operator's heap (used heap after GC with the operator running minus before it
 * started).
 *
 * <p>A main, not a test: {@code ScaleBenchmark [gateways] [routesPerGateway] [proxiesPerGateway]
 * [changes]}. The translator used is the test stand-in ({@link FakeTranslation}) until the real
 * translator lands.
 */
public final class ScaleBenchmark {

  public static void main(String[] args) throws Exception {
    int gateways = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int routesPer = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int proxiesPer = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int changes = args.length > 3 ? Integer.parseInt(args[3]) : 30;
    int servicesPer = 10;

    try (MockCluster cluster = new MockCluster()) {
      KubernetesClient c = cluster.client();
      long t0 = System.nanoTime();
      c.resource(yaml("v1", "Namespace", null, "bench", "")).create();
      c.resource(
              """
              apiVersion: gateway.networking.k8s.io/v1
              kind: GatewayClass
              metadata: {name: gantry}
              spec: {controllerName: gantry.dev/gateway-controller}
              """)
          .create();
      for (int g = 0; g < gateways; g++) {
        c.resource(gatewayYaml(g)).create();
        for (int s = 0; s < servicesPer; s++) {
          c.resource(serviceYaml(g, s)).create();
          c.resource(sliceYaml(g, s, 0)).create();
        }
        for (int r = 0; r < routesPer; r++) {
          c.resource(routeYaml(g, r, servicesPer, "v0")).create();
        }
      }
      System.out.printf(
          "created %d gateways, %d routes, %d services+slices in %d ms%n",
          gateways, gateways * routesPer, gateways * servicesPer, ms(t0));

      long heapBefore = usedHeapAfterGc();
      FakeTranslation translation = new FakeTranslation();
      long startAt = System.nanoTime();
      try (GantryOperator op =
          GantryOperator.start(
              cluster.newClient(),
              new GantryOperator.Options(
                  new InetSocketAddress("127.0.0.1", 0),
                  "gantry-operator:18000",
                  "gantry:bench",
                  null,
                  "bench",
                  Duration.ofSeconds(15),
                  Duration.ofMillis(100)),
              translation)) {
        while (op.snapshots().gatewayKeys().size() < gateways) {
          Thread.sleep(20);
        }
        System.out.printf("operator published %d snapshots in %d ms%n", gateways, ms(startAt));
        settle(op);
        long heapOperator = usedHeapAfterGc();

        Map<String, List<Sink>> sinks = new ConcurrentHashMap<>();
        List<SnapshotClient> clients = new ArrayList<>();
        for (int g = 0; g < gateways; g++) {
          List<Sink> list = new ArrayList<>();
          for (int p = 0; p < proxiesPer; p++) {
            Sink sink = new Sink();
            list.add(sink);
            SnapshotClient client =
                new SnapshotClient(
                    "127.0.0.1:" + op.grpcPort(),
                    "bench/gw-" + g,
                    "gw-" + g + "-p" + p,
                    sink,
                    null,
                    Backoff.defaults());
            client.start();
            clients.add(client);
          }
          sinks.put("bench/gw-" + g, list);
        }
        long connectAt = System.nanoTime();
        while (!clients.stream().allMatch(SnapshotClient::isReady)) {
          Thread.sleep(20);
        }
        System.out.printf("%d proxies ready in %d ms%n", clients.size(), ms(connectAt));
        settle(op);
        long heapAfter = usedHeapAfterGc();

        cluster.drainRequests();
        java.util.TreeMap<String, Integer> writtenKinds = new java.util.TreeMap<>();
        long[] routeMicros = new long[changes];
        long[] writesPerChange = new long[changes];
        for (int i = 0; i < changes; i++) {
          int g = i % gateways;
          String key = "bench/gw-" + g;
          long writesBefore = op.statusWriter().writes();
          long start = System.nanoTime();
          c.resource(routeYaml(g, i % routesPer, servicesPer, "v" + (i + 1))).update();
          String version;
          do {
            Thread.onSpinWait();
            GatewaySnapshot s = op.snapshots().get(key).orElseThrow();
            version = routesContain(s, "/v" + (i + 1) + "/") ? s.routing().version() : null;
          } while (version == null && System.nanoTime() - start < 30_000_000_000L);
          while (op.acks().routingProgress(key, version).acked() < proxiesPer
              && System.nanoTime() - start < 30_000_000_000L) {
            Thread.sleep(0, 200_000);
          }
          routeMicros[i] = (System.nanoTime() - start) / 1000;
          settle(op);
          writesPerChange[i] = op.statusWriter().writes() - writesBefore;
          for (String w : cluster.drainStatusWrites()) {
            String kind = w.replaceAll(".*/(gateways|httproutes|gatewayclasses)/.*", "$1");
            writtenKinds.merge(kind, 1, Integer::sum);
          }
        }

        int endpointChanges = changes * 4;
        long[] endpointMicros = new long[endpointChanges];
        long[] apiWriteMicros = new long[endpointChanges];
        for (int i = 0; i < endpointChanges; i++) {
          int g = (i * 7) % gateways;
          String key = "bench/gw-" + g;
          List<Sink> gatewaySinks = sinks.get(key);
          int[] before = gatewaySinks.stream().mapToInt(s -> s.applied).toArray();
          long start = System.nanoTime();
          c.resource(sliceYaml(g, i % servicesPer, i + 1)).update();
          apiWriteMicros[i] = (System.nanoTime() - start) / 1000;
          for (int p = 0; p < gatewaySinks.size(); p++) {
            while (gatewaySinks.get(p).applied == before[p]
                && System.nanoTime() - start < 30_000_000_000L) {
              Thread.sleep(0, 100_000);
            }
          }
          endpointMicros[i] = (System.nanoTime() - start) / 1000;
        }

        System.out.printf(
            "HTTPRoute change -> all %d proxies ACKed: p50 %d ms, p99 %d ms, max %d ms (%d changes)%n",
            proxiesPer,
            pct(routeMicros, 50) / 1000,
            pct(routeMicros, 99) / 1000,
            pct(routeMicros, 100) / 1000,
            changes);
        System.out.printf(
            "EndpointSlice change -> all %d proxies applied: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d changes)%n",
            proxiesPer,
            pct(endpointMicros, 50) / 1000.0,
            pct(endpointMicros, 99) / 1000.0,
            pct(endpointMicros, 100) / 1000.0,
            endpointChanges);
        System.out.printf(
            "  of which the EndpointSlice update call itself (client -> mock API server): p50 %.1f ms, p99 %.1f ms%n",
            pct(apiWriteMicros, 50) / 1000.0, pct(apiWriteMicros, 99) / 1000.0);
        System.out.printf(
            "status writes per HTTPRoute change: %s (min %d, max %d)%n",
            Arrays.toString(writesPerChange),
            Arrays.stream(writesPerChange).min().orElse(0),
            Arrays.stream(writesPerChange).max().orElse(0));
        System.out.printf("status writes by kind over all route changes: %s%n", writtenKinds);
        System.out.printf(
            "operator heap (after GC, before proxies connect): %d MiB over the %d MiB baseline%n",
            (heapOperator - heapBefore) >> 20, heapBefore >> 20);
        System.out.printf(
            "heap: %d MiB before operator, %d MiB with operator + %d clients (operator + clients delta %d MiB); translations %d%n",
            heapBefore >> 20,
            heapAfter >> 20,
            clients.size(),
            (heapAfter - heapBefore) >> 20,
            translation.calls());
        for (SnapshotClient client : clients) {
          client.close();
        }
      }
    }
  }

  static boolean routesContain(GatewaySnapshot s, String marker) {
    return s.routing().listeners().get(0).virtualHosts().get(0).routes().stream()
        .anyMatch(e -> e.match().path().value().contains(marker));
  }

  static void settle(GantryOperator op) throws InterruptedException {
    long last = -1;
    while (true) {
      op.statusFlusher().awaitIdle(Duration.ofSeconds(30));
      Thread.sleep(StatusGrace.MILLIS);
      long now = op.statusWriter().writes();
      if (now == last) {
        return;
      }
      last = now;
    }
  }

  /** Long enough for ACK-driven flushes and the ACK grace period to have run. */
  static final class StatusGrace {
    static final long MILLIS = 400;
  }

  static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  static long pct(long[] values, int p) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  static long ms(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  static final class Sink implements SnapshotSink {
    volatile int applied;

    @Override
    public void apply(GatewaySnapshot snapshot) {
      applied++;
    }
  }

  static String yaml(String apiVersion, String kind, String ns, String name, String rest) {
    return "apiVersion: "
        + apiVersion
        + "\nkind: "
        + kind
        + "\nmetadata:\n  name: "
        + name
        + (ns == null ? "" : "\n  namespace: " + ns)
        + "\n"
        + rest;
  }

  static String gatewayYaml(int g) {
    return yaml(
        "gateway.networking.k8s.io/v1",
        "Gateway",
        "bench",
        "gw-" + g,
        "spec:\n  gatewayClassName: gantry\n  listeners:\n  - {name: http, port: 80, protocol: HTTP}\n");
  }

  static String serviceYaml(int g, int s) {
    return yaml(
        "v1",
        "Service",
        "bench",
        "svc-" + g + "-" + s,
        "spec:\n  ports:\n  - {name: http, port: 80}\n");
  }

  static String sliceYaml(int g, int s, int generation) {
    return yaml(
        "discovery.k8s.io/v1",
        "EndpointSlice",
        "bench",
        "svc-" + g + "-" + s + "-x",
        "  labels: {kubernetes.io/service-name: svc-"
            + g
            + "-"
            + s
            + "}\naddressType: IPv4\n"
            + "ports:\n- {name: http, port: 8080}\nendpoints:\n"
            + "- addresses: [10.1."
            + (generation % 250)
            + ".1]\n- addresses: [10.1."
            + (generation % 250)
            + ".2]\n");
  }

  static String routeYaml(int g, int r, int services, String version) {
    return yaml(
        "gateway.networking.k8s.io/v1",
        "HTTPRoute",
        "bench",
        "r-" + g + "-" + r,
        "spec:\n  parentRefs:\n  - {name: gw-"
            + g
            + "}\n  rules:\n  - matches:\n    - path: {type: PathPrefix, value: /"
            + version
            + "/r"
            + r
            + "}\n    backendRefs:\n    - {name: svc-"
            + g
            + "-"
            + (r % services)
            + ", port: 80}\n");
  }
}
