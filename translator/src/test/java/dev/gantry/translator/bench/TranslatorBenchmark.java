package dev.gantry.translator.bench;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.ResourceSnapshot;
import dev.gantry.translator.TranslationCache;
import dev.gantry.translator.TranslationResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Translation at scale, as a benchmark main (not a timed test): 100 Gateways (one per namespace, an
 * HTTP and an HTTPS listener each), 10,000 HTTPRoutes (100 per Gateway) with 3 rules each (30,000
 * rules, 40,000 matches), 1,000 Services with EndpointSlices.
 *
 * <p>Measures (1) a full translation by a fresh translator, (2) the incremental case: one changed
 * route with a warm {@link TranslationCache}, and the heap: the peak during a full translation and
 * what its result retains. Run it with a 1 GiB heap to prove the bound:
 *
 * <pre>
 * ./mvnw -B -pl translator -am -Pbench test-compile
 * </pre>
 *
 * (the {@code bench} profile of translator/pom.xml runs this class with {@code -Xmx1g}).
 */
public final class TranslatorBenchmark {

  static final int GATEWAYS = 100;
  static final int ROUTES_PER_GATEWAY = 100;
  static final int SERVICES_PER_NAMESPACE = 10;
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static final String CERT =
      "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIwRENDQVhhZ0F3SUJBZ0lVZVlDVFdkWGVZQVJYWWZFbXgrZ3h2WWhvbnpVd0NnWUlLb1pJemowRUF3SXcKRmpFVU1CSUdBMVVFQXd3TFpYaGhiWEJzWlM1dmNtY3dJQmNOTWpZeE1USTRNRFExTnpVMldoZ1BNakV5TmpFeApNRFF3TkRVM05UWmFNQll4RkRBU0JnTlZCQU1NQzJWNFlXMXdiR1V1YjNKbk1Ga3dFd1lIS29aSXpqMENBUVlJCktvWkl6ajBEQVFjRFFnQUVXcTlNOWNtN1hXRnpBbUlaWEw3dEtmb2JDQnN2SFZZeUFnVXhYa0laQUtkTnkzdk8KOU5XUlZ5TFZORGJrQitYK292N2RHbU1wTk9kMjlyb05VWExBdWFPQm56Q0JuREFkQmdOVkhRNEVGZ1FVREF0eAoyb2pPUkpXRFB1TnZhTnVLSzlWbU5BY3dId1lEVlIwakJCZ3dGb0FVREF0eDJvak9SSldEUHVOdmFOdUtLOVZtCk5BY3dEd1lEVlIwVEFRSC9CQVV3QXdFQi96QkpCZ05WSFJFRVFqQkFnZ3RsZUdGdGNHeGxMbTl5WjRJTktpNWwKZUdGdGNHeGxMbTl5WjRJU2MyVmpiMjVrTFdWNFlXMXdiR1V1YjNKbmdnNHFMbmRwYkdSallYSmtMbTl5WnpBSwpCZ2dxaGtqT1BRUURBZ05JQURCRkFpRUExeS95bUdyOGpvcm9PdGZPUDF2N0tFMEFRY1BlMFAzamdieFlmNStUCjlQQUNJRzRFNWhyS1M3d0FEdGdXUHZFRTZPOHJsc0VuS2xEMFE3TTU4REhSR1hNbgotLS0tLUVORCBDRVJUSUZJQ0FURS0tLS0tCg==";
  private static final String KEY =
      "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JR0hBZ0VBTUJNR0J5cUdTTTQ5QWdFR0NDcUdTTTQ5QXdFSEJHMHdhd0lCQVFRZ3Nham5nT0M1WWNiY0tnaHIKNDZCbUU3cVkyMzBFZFd6VzI2OG9IREN5QmFPaFJBTkNBQVJhcjB6MXlidGRZWE1DWWhsY3Z1MHAraHNJR3k4ZApWaklDQlRGZVFoa0FwMDNMZTg3MDFaRlhJdFUwTnVRSDVmNmkvdDBhWXlrMDUzYjJ1ZzFSY3NDNQotLS0tLUVORCBQUklWQVRFIEtFWS0tLS0tCg==";

  public static void main(String[] args) {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    List<HasMetadata> objects = generate();
    ResourceSnapshot input = ResourceSnapshot.of(objects);
    int rules = input.httpRoutes().stream().mapToInt(r -> r.getSpec().getRules().size()).sum();
    System.out.printf(
        "load average at start: %.1f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf(
        "input: %d Gateways, %d HTTPRoutes, %d rules, %d Services, %d EndpointSlices; max heap %d MiB; %d CPUs%n",
        input.gateways().size(),
        input.httpRoutes().size(),
        rules,
        input.services().size(),
        input.endpointSlices().size(),
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());

    // Full translation: a fresh translator each time, so nothing is reused between runs.
    for (int i = 0; i < warmup; i++) {
      new GatewayApiTranslator().translate(input, NOW);
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] full = new long[iterations];
    long[] fullCpu = new long[iterations];
    TranslationResult result = null;
    long peak = 0;
    for (int i = 0; i < iterations; i++) {
      result = null;
      gc();
      resetPeaks();
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      result = new GatewayApiTranslator().translate(input, NOW);
      full[i] = System.nanoTime() - t0;
      fullCpu[i] = threads.getCurrentThreadCpuTime() - c0;
      peak = Math.max(peak, peakHeap());
    }
    check(result, input);
    int snapshotCount = result.snapshots().size();
    String firstKey = result.snapshots().firstKey();
    long inputHeap = usedAfterGc();
    result = null;
    long withoutResult = usedAfterGc();
    long retained = inputHeap - withoutResult;
    report("full translation, wall", full);
    report("full translation, CPU of the translating thread", fullCpu);
    System.out.printf(
        "heap: peak during a full translation %d MiB (pool peaks, includes the input and garbage);"
            + " retained by one result %d MiB; input + result after GC %d MiB%n",
        peak >> 20, retained >> 20, inputHeap >> 20);
    System.out.printf("snapshots: %d (first: %s)%n", snapshotCount, firstKey);

    // Incremental: a warm cache, then one route changes per translation.
    GatewayApiTranslator cached = new GatewayApiTranslator(new TranslationCache());
    cached.translate(input, NOW);
    long[] incremental = new long[iterations];
    long[] incrementalCpu = new long[iterations];
    List<HasMetadata> current = new ArrayList<>(objects);
    for (int i = 0; i < warmup + iterations; i++) {
      current = changeOneRoute(current, i);
      ResourceSnapshot changed = ResourceSnapshot.of(current);
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      TranslationResult r = cached.translate(changed, NOW);
      long dt = System.nanoTime() - t0;
      long dc = threads.getCurrentThreadCpuTime() - c0;
      if (i >= warmup) {
        incremental[i - warmup] = dt;
        incrementalCpu[i - warmup] = dc;
      }
      check(r, changed);
    }
    report("incremental (1 route changed, warm cache), wall", incremental);
    report(
        "incremental (1 route changed, warm cache), CPU of the translating thread", incrementalCpu);
  }

  private static void check(TranslationResult result, ResourceSnapshot input) {
    if (result.snapshots().size() != GATEWAYS
        || result.httpRoutes().size() != input.httpRoutes().size()) {
      throw new IllegalStateException(
          "unexpected result: " + result.snapshots().size() + " snapshots");
    }
    for (GatewaySnapshot s : result.snapshots().values()) {
      if (s.routing().rules().size() != ROUTES_PER_GATEWAY * 3) {
        throw new IllegalStateException(
            s.gateway() + " has " + s.routing().rules().size() + " rules");
      }
    }
  }

  private static List<HasMetadata> changeOneRoute(List<HasMetadata> objects, int round) {
    List<HasMetadata> out = new ArrayList<>(objects.size());
    String target = "route-" + (round % ROUTES_PER_GATEWAY);
    for (HasMetadata o : objects) {
      if (o instanceof HTTPRoute r
          && r.getMetadata().getNamespace().equals("team-42")
          && r.getMetadata().getName().equals(target)) {
        HTTPRoute changed =
            new HTTPRouteBuilder(r)
                .editMetadata()
                .withResourceVersion("r" + (round + 2))
                .withGeneration(r.getMetadata().getGeneration() + 1)
                .endMetadata()
                .build();
        changed
            .getSpec()
            .getRules()
            .get(0)
            .getMatches()
            .get(0)
            .getPath()
            .setValue("/api/changed-" + round);
        out.add(changed);
      } else {
        out.add(o);
      }
    }
    return out;
  }

  static List<HasMetadata> generate() {
    List<HasMetadata> out = new ArrayList<>();
    out.add(
        new GatewayClassBuilder()
            .withNewMetadata()
            .withName("gantry")
            .withResourceVersion("1")
            .withGeneration(1L)
            .endMetadata()
            .withNewSpec()
            .withControllerName(GatewayApiTranslator.CONTROLLER_NAME)
            .endSpec()
            .build());
    for (int g = 0; g < GATEWAYS; g++) {
      String ns = String.format("team-%02d", g);
      out.add(
          new NamespaceBuilder()
              .withNewMetadata()
              .withName(ns)
              .withResourceVersion("1")
              .endMetadata()
              .build());
      out.add(
          new SecretBuilder()
              .withNewMetadata()
              .withName("tls")
              .withNamespace(ns)
              .withResourceVersion("1")
              .endMetadata()
              .withType("kubernetes.io/tls")
              .withData(Map.of("tls.crt", CERT, "tls.key", KEY))
              .build());
      out.add(
          new GatewayBuilder()
              .withNewMetadata()
              .withName("gw")
              .withNamespace(ns)
              .withResourceVersion("1")
              .withGeneration(1L)
              .endMetadata()
              .withNewSpec()
              .withGatewayClassName("gantry")
              .addNewListener()
              .withName("http")
              .withPort(80)
              .withProtocol("HTTP")
              .endListener()
              .addNewListener()
              .withName("https")
              .withPort(443)
              .withProtocol("HTTPS")
              .withHostname("*." + ns + ".example.com")
              .withNewTls()
              .addNewCertificateRef()
              .withName("tls")
              .endCertificateRef()
              .endTls()
              .endListener()
              .endSpec()
              .build());
      for (int s = 0; s < SERVICES_PER_NAMESPACE; s++) {
        String svc = "svc-" + s;
        out.add(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(svc)
                .withNamespace(ns)
                .withResourceVersion("1")
                .endMetadata()
                .withNewSpec()
                .addNewPort()
                .withName("http")
                .withPort(8080)
                .withTargetPort(new IntOrString(3000))
                .endPort()
                .addNewPort()
                .withName("grpc")
                .withPort(9090)
                .withAppProtocol("kubernetes.io/h2c")
                .withTargetPort(new IntOrString(3001))
                .endPort()
                .endSpec()
                .build());
        EndpointSliceBuilder slice =
            new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(svc + "-abcde")
                .withNamespace(ns)
                .withResourceVersion("1")
                .addToLabels("kubernetes.io/service-name", svc)
                .endMetadata()
                .withAddressType("IPv4")
                .addNewPort()
                .withName("http")
                .withPort(3000)
                .endPort()
                .addNewPort()
                .withName("grpc")
                .withPort(3001)
                .endPort();
        for (int e = 0; e < 3; e++) {
          slice
              .addNewEndpoint()
              .withAddresses("10." + g + "." + s + "." + (e + 1))
              .withNewConditions()
              .withReady(e != 2)
              .endConditions()
              .withZone("zone-" + e)
              .endEndpoint();
        }
        out.add(slice.build());
      }
      for (int r = 0; r < ROUTES_PER_GATEWAY; r++) {
        out.add(route(ns, r));
      }
    }
    return out;
  }

  private static HTTPRoute route(String ns, int r) {
    String svcA = "svc-" + (r % SERVICES_PER_NAMESPACE);
    String svcB = "svc-" + ((r + 1) % SERVICES_PER_NAMESPACE);
    return new HTTPRouteBuilder()
        .withNewMetadata()
        .withName("route-" + r)
        .withNamespace(ns)
        .withUid(ns + "-route-" + r)
        .withResourceVersion("1")
        .withGeneration(1L)
        .withCreationTimestamp(String.format("2025-01-01T00:%02d:%02dZ", r / 60, r % 60))
        .endMetadata()
        .withNewSpec()
        .addNewParentRef()
        .withName("gw")
        .endParentRef()
        // Each route serves its own host; the team's first route also serves the team wildcard,
        // whose entries the translator appends to every more specific host of the listener (the
        // contract's one-virtual-host-per-request costs hosts x wildcard entries).
        .withHostnames(
            r == 0
                ? Arrays.asList("app-" + r + "." + ns + ".example.com", "*." + ns + ".example.com")
                : List.of("app-" + r + "." + ns + ".example.com"))
        .addNewRule()
        .addNewMatch()
        .withNewPath()
        .withType("PathPrefix")
        .withValue("/api/v" + r)
        .endPath()
        .addNewHeader()
        .withName("x-tenant")
        .withValue("t" + r)
        .endHeader()
        .endMatch()
        .addNewMatch()
        .withNewPath()
        .withType("PathPrefix")
        .withValue("/api/v" + r + "/beta")
        .endPath()
        .endMatch()
        .withNewTimeouts()
        .withRequest("10s")
        .withBackendRequest("2s")
        .endTimeouts()
        .addNewBackendRef()
        .withName(svcA)
        .withPort(8080)
        .endBackendRef()
        .endRule()
        .addNewRule()
        .addNewMatch()
        .withNewPath()
        .withType("Exact")
        .withValue("/health/" + r)
        .endPath()
        .withMethod("GET")
        .endMatch()
        .addNewBackendRef()
        .withName(svcA)
        .withPort(9090)
        .endBackendRef()
        .endRule()
        .addNewRule()
        .addNewMatch()
        .withNewPath()
        .withType("PathPrefix")
        .withValue("/")
        .endPath()
        .endMatch()
        .addNewFilter()
        .withType("RequestHeaderModifier")
        .withNewRequestHeaderModifier()
        .addNewSet()
        .withName("x-route")
        .withValue("route-" + r)
        .endSet()
        .endRequestHeaderModifier()
        .endFilter()
        .addNewBackendRef()
        .withName(svcA)
        .withPort(8080)
        .withWeight(90)
        .endBackendRef()
        .addNewBackendRef()
        .withName(svcB)
        .withPort(8080)
        .withWeight(10)
        .endBackendRef()
        .endRule()
        .endSpec()
        .build();
  }

  private static void report(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (long n : nanos) {
      sum += n;
    }
    System.out.printf(
        "%s: min %.1f ms, median %.1f ms, mean %.1f ms, max %.1f ms over %d runs%n",
        what,
        sorted[0] / 1e6,
        sorted[sorted.length / 2] / 1e6,
        sum / nanos.length / 1e6,
        sorted[sorted.length - 1] / 1e6,
        nanos.length);
  }

  private static void gc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
  }

  private static long usedAfterGc() {
    gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  /** Sum of the heap pools' peaks: an upper bound of the live heap at any instant. */
  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
