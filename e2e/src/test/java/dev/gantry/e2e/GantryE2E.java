package dev.gantry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The E2E tier (issue 10): Gantry on a real kube-apiserver + etcd, installed with helm, two
 * operator processes under the chart's RBAC, a fleet of three {@code gantry proxy} processes behind
 * haproxy, echo backends behind EndpointSlices, and faults under continuous load.
 *
 * <p>Everything listens on 127.0.0.x, every process is started here and stopped here by PID (the
 * control plane by its scripts, which do the same), and the whole class is bounded in time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class GantryE2E {

  static final String SYSTEM_NS = "gantry-system";
  static final String RELEASE = "gantry";
  static final String OPERATOR_SA = "gantry-operator";
  static final String LEASE = "gantry-leader";
  static final String CA_SECRET = "gantry-ca";
  static final String LOAD_NS = "e2e-quickstart";
  static final String LOAD_GATEWAY = "quickstart";
  static final String LOAD_SLICE = "echo-v1-local";
  static final int ROUTE_CHANGES = 50;
  static final int WORKERS = 4;
  static final int ECHO_DELAY_MS = 50;
  static final Duration CONVERGE = Duration.ofSeconds(60);
  static final List<String> FLEET_HOSTS = List.of("127.0.0.11", "127.0.0.12", "127.0.0.13");
  static final List<String> ECHO_HOSTS =
      List.of("127.0.0.21", "127.0.0.22", "127.0.0.23", "127.0.0.24");

  /** The examples applied, each in its own namespace, with the loopback address of its proxies. */
  static final Map<String, List<String>> EXAMPLES = new LinkedHashMap<>();

  static {
    EXAMPLES.put("quickstart", FLEET_HOSTS);
    EXAMPLES.put("rate-limiting", List.of("127.0.0.14"));
    EXAMPLES.put("traffic-splitting", List.of("127.0.0.15"));
  }

  static final ObjectMapper JSON = new ObjectMapper();

  final List<AutoCloseable> stopLast = new ArrayList<>();
  final ScenarioTable table = new ScenarioTable();
  final long tierStart = System.nanoTime();
  final Map<String, Long> phaseMillis = new LinkedHashMap<>();

  E2eEnvironment env;
  Path work;
  ControlPlane controlPlane;
  KubernetesClient admin;
  Kubectl kubectl;
  Path operatorKubeconfig;
  HaproxyLoadBalancer lb;
  final List<OperatorReplica> operators = new ArrayList<>();
  final Map<String, List<ProxyReplica>> fleets = new LinkedHashMap<>();
  final Map<String, ControlChannelFiles> channelFiles = new LinkedHashMap<>();
  final List<ManagedProcess> echoes = new ArrayList<>();
  int listenerPort;
  String operatorAddress;
  int echoPort;
  int changeCounter;

  // ---------------------------------------------------------------------------------------------
  // Setup: control plane, CRDs, helm, operators, backends, proxies, load balancer.

  @BeforeAll
  void startEverything() throws Exception {
    env = E2eEnvironment.detect();
    String stamp =
        DateTimeFormatter.ofPattern("HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    work = env.repoRoot().resolve("e2e/target/e2e-run-" + stamp);
    Files.createDirectories(work);
    System.out.println("E2E work directory (logs of every process): " + work);

    long t = System.nanoTime();
    controlPlane = ControlPlane.start(env, work.resolve("controlplane"));
    stopLast.add(controlPlane);
    admin = controlPlane.adminClient();
    kubectl = new Kubectl(env.kubectl(), controlPlane.kubeconfig());
    phase("control plane start", t);

    t = System.nanoTime();
    kubectl.apply(env.repoRoot().resolve("e2e/gateway-api/v1.6.1/standard"));
    kubectl.run("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s");
    phase("Gateway API CRDs", t);

    t = System.nanoTime();
    helm(
        "install",
        RELEASE,
        env.repoRoot().resolve("helm-chart/gantry").toString(),
        "--namespace",
        SYSTEM_NS,
        "--create-namespace",
        "--set",
        "proxy.replicas=3");
    // The operator runs as local processes here (no kubelet would start its pods); scaling the
    // chart's Deployment to 0 keeps the release honest on a cluster that has one.
    kubectl.run("scale", "deployment/" + OPERATOR_SA, "-n", SYSTEM_NS, "--replicas=0");
    kubectl.run("wait", "--for=condition=Established", "crd", "--all", "--timeout=60s");
    phase("helm install", t);

    t = System.nanoTime();
    operatorKubeconfig = serviceAccountKubeconfig();
    Path defaults = proxyDefaultsFromChart();
    listenerPort = Ports.freeOnAll(EXAMPLES.values().stream().flatMap(List::stream).toList());
    echoPort = Ports.freeOnAll(ECHO_HOSTS);
    int lbPort = Ports.free("127.0.0.1");
    int operatorLbPort = Ports.free("127.0.0.1");
    String advertise = "127.0.0.1:" + operatorLbPort;
    operatorAddress = advertise;
    for (String name : List.of("operator-a", "operator-b")) {
      operators.add(
          new OperatorReplica(
              env,
              name,
              SYSTEM_NS,
              operatorKubeconfig,
              defaults,
              advertise,
              LEASE,
              CA_SECRET,
              work));
    }
    List<HaproxyLoadBalancer.Server> proxyServers = new ArrayList<>();
    List<ProxyReplica> loadFleet = new ArrayList<>();
    for (var example : EXAMPLES.entrySet()) {
      List<ProxyReplica> fleet = new ArrayList<>();
      int i = 1;
      for (String host : example.getValue()) {
        String name = example.getKey() + "-proxy-" + i++;
        ProxyReplica p =
            new ProxyReplica(
                env,
                name,
                "e2e-" + example.getKey() + "/" + gatewayOf(example.getKey()),
                host,
                Ports.free(host),
                work);
        fleet.add(p);
      }
      fleets.put(example.getKey(), fleet);
    }
    loadFleet.addAll(fleets.get("quickstart"));
    for (ProxyReplica p : loadFleet) {
      proxyServers.add(
          new HaproxyLoadBalancer.Server(p.name(), p.host(), listenerPort, p.adminPort()));
    }
    lb =
        HaproxyLoadBalancer.start(
            env.haproxy(),
            work,
            lbPort,
            proxyServers,
            operatorLbPort,
            operators.stream()
                .map(
                    o ->
                        new HaproxyLoadBalancer.Server(
                            o.name(), "127.0.0.1", o.snapshotPort(), o.healthPort()))
                .toList());
    stopLast.add(lb);
    for (String host : ECHO_HOSTS) {
      echoes.add(
          ManagedProcess.start(
              "echo-" + host,
              work,
              Map.of("GANTRY_JAVA_OPTS", "-Xmx128m -XX:TieredStopAtLevel=1"),
              List.of(
                  env.gantryScript().toString(),
                  "echo",
                  "--host=" + host,
                  "--port=" + echoPort,
                  "--name=echo-" + host)));
    }
    phase("token, haproxy, echo servers", t);

    // The first operator takes the Lease before the second starts, so the leader is the one the
    // operator load balancer sends every proxy to (the second is its backup).
    t = System.nanoTime();
    OperatorReplica first = operators.get(0).start();
    Await.until(
        "operator-a ready and holding the Lease",
        Duration.ofSeconds(120),
        () -> first.ready() && first.name().equals(leaseHolder()),
        () -> "holder " + leaseHolder() + ", log:\n" + first.process().tail(30));
    OperatorReplica second = operators.get(1).start();
    Await.until(
        "operator-b ready",
        Duration.ofSeconds(120),
        second::ready,
        () -> second.process().tail(30));
    phase("two operators ready", t);

    t = System.nanoTime();
    for (String example : EXAMPLES.keySet()) {
      String ns = "e2e-" + example;
      kubectl.run("create", "namespace", ns);
      List<String> endpoints = example.equals("quickstart") ? ECHO_HOSTS.subList(0, 2) : ECHO_HOSTS;
      Path yaml =
          ExampleManifests.prepare(
              env.repoRoot().resolve("examples").resolve(example),
              new ExampleManifests.Target(ns, listenerPort, endpoints, echoPort),
              work.resolve(example + ".yaml"));
      kubectl.apply(yaml);
    }
    // The proxies run what the operator put in each Gateway's fleet Deployment (created by the
    // leader under the chart's RBAC): that is the command line a kubelet would start.
    for (var fleet : fleets.entrySet()) {
      String ns = "e2e-" + fleet.getKey();
      List<String> args = fleetDeploymentArgs(ns);
      assertThat(args).contains("--operator", advertise, "--gateway");
      // Secured channel: the fleet dials TLS with the published CA bundle and a bound token.
      assertThat(args)
          .contains("--control-ca", "--control-token-file")
          .doesNotContain("--insecure-control-channel");
      ControlChannelFiles files =
          new ControlChannelFiles(ns, fleetServiceAccount(ns), work)
              .writeCaBundle(admin, CONVERGE)
              .refreshToken(kubectl);
      channelFiles.put(fleet.getKey(), files);
      for (ProxyReplica p : fleet.getValue()) {
        stopLast.add(p);
        p.fleetArgs(args).controlChannel(files.caFile(), files.tokenFile()).start();
      }
    }
    // Tokens live 10 minutes, like the projected volume's; the kubelet renews at 80 %, so does
    // this.
    var renewer =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread th = new Thread(r, "e2e-token-renewer");
              th.setDaemon(true);
              return th;
            });
    renewer.scheduleAtFixedRate(
        () -> {
          for (ControlChannelFiles f : channelFiles.values()) {
            try {
              f.refreshToken(kubectl);
            } catch (RuntimeException e) {
              System.out.println("E2E token renewal for " + f.namespace() + ": " + e);
            }
          }
        },
        8,
        8,
        TimeUnit.MINUTES);
    stopLast.add(renewer::shutdownNow);
    for (List<ProxyReplica> fleet : fleets.values()) {
      for (ProxyReplica p : fleet) {
        Await.until(
            p.name() + " ready", Duration.ofSeconds(120), p::ready, () -> p.process().tail(30));
      }
    }
    Await.until(
        "haproxy sends traffic through the fleet",
        Duration.ofSeconds(30),
        () -> get("/").statusCode() == 200,
        () -> lb.process().tail(20));
    phase("examples applied, 5 proxies ready", t);
  }

  @AfterAll
  void stopEverything() {
    for (OperatorReplica o : operators) {
      o.close();
    }
    for (ManagedProcess e : echoes) {
      e.close();
    }
    for (int i = stopLast.size() - 1; i >= 0; i--) {
      try {
        stopLast.get(i).close();
      } catch (Exception e) {
        System.out.println("E2E teardown: " + e);
      }
    }
    if (admin != null) {
      admin.close();
    }
    System.out.println(
        "E2E tier: "
            + (System.nanoTime() - tierStart) / 1_000_000
            + " ms in total; phases (ms): "
            + phaseMillis);
  }

  // ---------------------------------------------------------------------------------------------
  // The install, CEL validation and RBAC.

  @Test
  @Order(1)
  void helmReleaseIsDeployedWithGantrysCrdsAndGatewayClass() {
    String status = helm("status", RELEASE, "--namespace", SYSTEM_NS, "-o", "json");
    assertThat(status).contains("\"status\":\"deployed\"");
    Await.until(
        "GatewayClass gantry (created by the chart) Accepted by the operator",
        CONVERGE,
        () ->
            "True".equals(condition(gatewayClass().path("status").path("conditions"), "Accepted")),
        () -> gatewayClass().path("status").toString());
    assertThat(gatewayClass().path("spec").path("controllerName").asText())
        .isEqualTo("gantry.dev/gateway-controller");
    assertThat(kubectl.run("get", "crd", "-o", "name"))
        .contains("ratelimitpolicies.gantry.dev")
        .contains("httproutes.gateway.networking.k8s.io");
  }

  @Test
  @Order(2)
  void crdCelValidationRejectsABadRateLimitPolicy() throws IOException {
    Path bad = work.resolve("bad-ratelimitpolicy.yaml");
    Files.writeString(
        bad,
        """
        apiVersion: gantry.dev/v1alpha1
        kind: RateLimitPolicy
        metadata:
          name: bad
          namespace: e2e-rate-limiting
        spec:
          targetRefs:
          - {group: gateway.networking.k8s.io, kind: Gateway, name: web}
          scope: Local
          limits:
          - name: zero
            rates: [{requests: 0, per: 0s}]
            key:
            - header: {name: X-API-Key}
        """);
    Commands.Result r = kubectl.tryRun("apply", "--server-side", "-f", bad.toString());
    System.out.println("E2E: the API server refused the bad policy: " + r.output().strip());
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.output())
        .contains("requests must be between 1 and 1000000000")
        .contains("per must be greater than zero");
    assertThat(
            admin
                .genericKubernetesResources("gantry.dev/v1alpha1", "RateLimitPolicy")
                .inNamespace("e2e-rate-limiting")
                .withName("bad")
                .get())
        .isNull();
  }

  @Test
  @Order(3)
  void operatorsRunAsTheChartsServiceAccountAndItsRbacIsEnough() {
    String whoami =
        Commands.run(
            Duration.ofSeconds(30),
            Map.of(),
            List.of(
                env.kubectl().toString(),
                "--kubeconfig=" + operatorKubeconfig,
                "auth",
                "whoami",
                "-o",
                "jsonpath={.status.userInfo.username}"));
    assertThat(whoami.strip()).isEqualTo("system:serviceaccount:" + SYSTEM_NS + ":" + OPERATOR_SA);
    // Least privilege: the chart grants no pod access, and the operator never needs it.
    Commands.Result pods =
        Commands.tryRun(
            Duration.ofSeconds(30),
            Map.of(),
            List.of(
                env.kubectl().toString(),
                "--kubeconfig=" + operatorKubeconfig,
                "auth",
                "can-i",
                "list",
                "pods",
                "-A"));
    assertThat(pods.output().strip()).isEqualTo("no");
    // What the operators did with that identity: the Lease, and a fleet per Gateway.
    assertThat(leaseHolder()).isIn("operator-a", "operator-b");
    for (String example : EXAMPLES.keySet()) {
      String ns = "e2e-" + example;
      Await.until(
          "fleet Deployment in " + ns,
          Duration.ofSeconds(30),
          () ->
              admin.apps().deployments().inNamespace(ns).list().getItems().stream()
                  .anyMatch(
                      d ->
                          d.getMetadata().getOwnerReferences().stream()
                              .anyMatch(o -> o.getKind().equals("Gateway"))));
    }
    for (OperatorReplica o : operators) {
      assertThat(o.process().tail(2000))
          .as(o.name() + " log has no RBAC denial")
          .doesNotContain("is forbidden");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Examples: every status condition, as the real API server stores it.

  @Test
  @Order(4)
  void examplesGetEveryStatusCondition() {
    for (String example : EXAMPLES.keySet()) {
      String ns = "e2e-" + example;
      Await.until(
          example + ": Gateway, HTTPRoute and policy conditions all True",
          CONVERGE,
          () -> statusProblems(ns).isEmpty(),
          () -> statusProblems(ns).toString());
      System.out.println("E2E: " + example + " statuses: " + statusSummary(ns));
    }
    // The data path of the load Gateway works through the load balancer.
    HttpResponse<String> r = get("/");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-served-by")).hasValue("gantry-quickstart");
    assertThat(r.headers().firstValue("x-e2e-lb-server")).isPresent();
  }

  // ---------------------------------------------------------------------------------------------
  // The secured control channel on a real API server: TokenReview, audiences, RBAC.

  /** How long a refused proxy must stay unready: many reconnect attempts, each refused. */
  static final Duration REFUSED_FOR = Duration.ofSeconds(10);

  @Test
  @Order(5)
  void controlChannelRefusesWrongTokensAndFleetsHoldNoPermissions() throws Exception {
    long t = System.nanoTime();
    String quickstartNs = "e2e-quickstart";
    ControlChannelFiles quickstart = channelFiles.get("quickstart");
    ControlChannelFiles other = channelFiles.get("rate-limiting");
    List<String> args = fleetDeploymentArgs(quickstartNs);

    // Two impostors ask for the quickstart Gateway: one with the right ServiceAccount but the API
    // server's default audience (a token meant for the API, not for the snapshot stream), one with
    // a correctly bound token of another Gateway's fleet ServiceAccount.
    Path wrongAudience = work.resolve("wrong-audience.token");
    ControlChannelFiles.writeAtomically(
        wrongAudience,
        ControlChannelFiles.mint(kubectl, quickstartNs, quickstart.serviceAccount(), null));
    Path otherFleet = work.resolve("other-fleet.token");
    ControlChannelFiles.writeAtomically(
        otherFleet,
        ControlChannelFiles.mint(
            kubectl,
            other.namespace(),
            other.serviceAccount(),
            ControlChannelFiles.TOKEN_AUDIENCE));
    // A third holds a correctly scoped token whose bound object is gone (what a deleted pod's
    // token is; pods never run here): the API server no longer accepts it.
    String boundTo = "e2e-token-holder";
    admin
        .secrets()
        .inNamespace(quickstartNs)
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName(boundTo)
                .endMetadata()
                .build())
        .create();
    Path revoked = work.resolve("revoked.token");
    ControlChannelFiles.writeAtomically(
        revoked,
        Commands.lastLine(
            kubectl.run(
                "create",
                "token",
                quickstart.serviceAccount(),
                "-n",
                quickstartNs,
                "--audience",
                ControlChannelFiles.TOKEN_AUDIENCE,
                "--duration",
                ControlChannelFiles.TOKEN_DURATION,
                "--bound-object-kind",
                "Secret",
                "--bound-object-name",
                boundTo)));
    kubectl.run("delete", "secret", boundTo, "-n", quickstartNs, "--wait=true");
    ProxyReplica revokedProbe =
        new ProxyReplica(
                env,
                "probe-revoked",
                quickstartNs + "/" + LOAD_GATEWAY,
                "127.0.0.18",
                Ports.free("127.0.0.18"),
                work)
            .fleetArgs(args)
            .controlChannel(quickstart.caFile(), revoked);
    ProxyReplica audienceProbe =
        new ProxyReplica(
                env,
                "probe-wrong-audience",
                quickstartNs + "/" + LOAD_GATEWAY,
                "127.0.0.16",
                Ports.free("127.0.0.16"),
                work)
            .fleetArgs(args)
            .controlChannel(quickstart.caFile(), wrongAudience);
    ProxyReplica fleetProbe =
        new ProxyReplica(
                env,
                "probe-other-fleet",
                quickstartNs + "/" + LOAD_GATEWAY,
                "127.0.0.17",
                Ports.free("127.0.0.17"),
                work)
            .fleetArgs(args)
            .controlChannel(quickstart.caFile(), otherFleet);
    try (audienceProbe;
        fleetProbe;
        revokedProbe) {
      audienceProbe.start();
      fleetProbe.start();
      revokedProbe.start();
      // Each probe's admin answers 503 and its stream is refused with the expected status...
      Await.until(
          "wrong-audience probe refused UNAUTHENTICATED",
          CONVERGE,
          () ->
              audienceProbe.readyStatus() == 503
                  && audienceProbe.process().tail(200).contains("UNAUTHENTICATED"),
          () -> audienceProbe.process().tail(20));
      Await.until(
          "other-fleet probe refused PERMISSION_DENIED",
          CONVERGE,
          () ->
              fleetProbe.readyStatus() == 503
                  && fleetProbe.process().tail(200).contains("PERMISSION_DENIED"),
          () -> fleetProbe.process().tail(20));
      Await.until(
          "revoked-token probe refused UNAUTHENTICATED",
          CONVERGE,
          () ->
              revokedProbe.readyStatus() == 503
                  && revokedProbe.process().tail(200).contains("UNAUTHENTICATED"),
          () -> revokedProbe.process().tail(20));
      // ... and stays unready while it keeps retrying: no attempt ever gets a snapshot.
      long until = System.nanoTime() + REFUSED_FOR.toNanos();
      while (System.nanoTime() < until) {
        assertThat(audienceProbe.readyStatus()).as("wrong-audience probe /ready").isEqualTo(503);
        assertThat(fleetProbe.readyStatus()).as("other-fleet probe /ready").isEqualTo(503);
        assertThat(revokedProbe.readyStatus()).as("revoked-token probe /ready").isEqualTo(503);
        Thread.sleep(250);
      }
      // The admin /config of a proxy that never got a snapshot is an empty document.
      assertThat(audienceProbe.config()).as("wrong-audience probe /config").isEmpty();
      assertThat(fleetProbe.config()).as("other-fleet probe /config").isEmpty();
      assertThat(revokedProbe.config()).as("revoked-token probe /config").isEmpty();
      assertThat(audienceProbe.process().tail(400))
          .as("wrong-audience probe log")
          .doesNotContain("PERMISSION_DENIED")
          .contains("expected: a valid token for audience " + ControlChannelFiles.TOKEN_AUDIENCE);
      // The operator names the refused identity and what it asked for.
      String operatorLogs =
          operators.stream().map(o -> o.process().tail(3000)).collect(Collectors.joining("\n"));
      assertThat(operatorLogs)
          .contains(
              "refused system:serviceaccount:"
                  + other.namespace()
                  + ":"
                  + other.serviceAccount()
                  + ": asked for the snapshot of");
    }
    // The serving certificate covers what the proxies dial (the advertised 127.0.0.1 through the
    // operator load balancer) with host-name verification, trusting only the published bundle.
    java.security.cert.X509Certificate served = servingCertificate(quickstart.caFile());
    assertThat(served.getSubjectAlternativeNames())
        .as("operator serving certificate SANs")
        .contains(List.of(7, operatorAddress.substring(0, operatorAddress.lastIndexOf(':'))));
    // The real fleets, meanwhile, are served: their bound tokens passed TokenReview.
    for (List<ProxyReplica> fleet : fleets.values()) {
      for (ProxyReplica p : fleet) {
        assertThat(p.ready()).as(p.name() + " ready").isTrue();
      }
    }

    // The fleet ServiceAccounts hold nothing beyond what every authenticated identity has: their
    // permission list equals that of a ServiceAccount nobody ever bound anything to.
    for (ControlChannelFiles f : channelFiles.values()) {
      String fleet = canIList(f.namespace(), f.serviceAccount());
      String nobody = canIList(f.namespace(), "e2e-nobody");
      assertThat(fleet).as("can-i --list of " + f.serviceAccount()).isEqualTo(nobody);
      assertThat(fleet).doesNotContain("secrets", "configmaps", "pods", "gateways", "*.*");
      var sa =
          admin.serviceAccounts().inNamespace(f.namespace()).withName(f.serviceAccount()).get();
      assertThat(sa.getAutomountServiceAccountToken())
          .as(f.serviceAccount() + " automountServiceAccountToken")
          .isFalse();
    }

    // The chart's RBAC covers the channel: the operators (chart SA token) created the CA Secret
    // and the bundle ConfigMaps and reviewed tokens. can-i pins that it is exactly these grants.
    var caSecret = admin.secrets().inNamespace(SYSTEM_NS).withName(CA_SECRET).get();
    assertThat(caSecret).as("CA Secret " + SYSTEM_NS + "/" + CA_SECRET).isNotNull();
    assertThat(caSecret.getData()).containsKeys("ca.crt", "ca.key");
    assertThat(operatorCanI("create", "tokenreviews.authentication.k8s.io")).isEqualTo("yes");
    assertThat(operatorCanI("update", "secrets/" + CA_SECRET, "-n", SYSTEM_NS)).isEqualTo("yes");
    assertThat(operatorCanI("update", "secrets/someone-elses", "-n", SYSTEM_NS)).isEqualTo("no");
    assertThat(
            operatorCanI(
                "update", "configmaps/" + ControlChannelFiles.CA_CONFIG_MAP, "-n", quickstartNs))
        .isEqualTo("yes");
    assertThat(operatorCanI("delete", "configmaps", "-n", quickstartNs)).isEqualTo("no");
    for (OperatorReplica o : operators) {
      assertThat(o.process().tail(3000))
          .as(o.name() + " log: no RBAC denial, no failed TokenReview")
          .doesNotContain("is forbidden")
          .doesNotContain("TokenReview failed");
    }
    phase("control channel checks", t);
  }

  /** Handshakes with the operator address as a proxy does (HTTPS host-name rules, bundle only). */
  private java.security.cert.X509Certificate servingCertificate(Path caBundle) throws Exception {
    var ks = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
    ks.load(null, null);
    int i = 0;
    try (var in = Files.newInputStream(caBundle)) {
      for (var c :
          java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
    }
    var tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    var ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    String host = operatorAddress.substring(0, operatorAddress.lastIndexOf(':'));
    int port = Integer.parseInt(operatorAddress.substring(operatorAddress.lastIndexOf(':') + 1));
    try (var socket = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(host, port)) {
      socket.setSoTimeout(5000);
      var params = socket.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      params.setApplicationProtocols(new String[] {"h2"});
      socket.setSSLParameters(params);
      socket.startHandshake();
      return (java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  private String canIList(String namespace, String serviceAccount) {
    return kubectl.run(
        "auth",
        "can-i",
        "--list",
        "-n",
        namespace,
        "--as=system:serviceaccount:" + namespace + ":" + serviceAccount);
  }

  /** kubectl auth can-i as the operators, through their own kubeconfig (the chart SA token). */
  private String operatorCanI(String... args) {
    List<String> command = new ArrayList<>();
    command.add(env.kubectl().toString());
    command.add("--kubeconfig=" + operatorKubeconfig);
    command.add("auth");
    command.add("can-i");
    command.addAll(List.of(args));
    return Commands.lastLine(Commands.tryRun(Duration.ofSeconds(30), Map.of(), command).output())
        .strip();
  }

  // ---------------------------------------------------------------------------------------------
  // Faults under load.

  @Test
  @Order(6)
  void faultsUnderContinuousLoad() throws Exception {
    LoadGenerator load =
        new LoadGenerator(
            // Each answer waits 50 ms at the echo server (its ?delay), so at any moment most load
            // connections have a request in flight: a killed proxy really has some to lose.
            URI.create("http://127.0.0.1:" + lb.httpPort() + "/?delay=" + ECHO_DELAY_MS + "ms"),
            WORKERS,
            Duration.ofMillis(10),
            500_000,
            "steady load");
    load.start();
    try {
      // Baseline: at least 3 s and 100 requests (a loaded CI machine warms the client up slowly).
      Thread.sleep(3000);
      Await.until("100 baseline requests", Duration.ofSeconds(60), () -> load.sent() >= 100);
      record(load.next("50 HTTPRoute changes"), "-", "baseline");

      // 1. fifty route changes, one after the other, while requests flow.
      long lastChangeAt = 0;
      for (int i = 0; i < ROUTE_CHANGES; i++) {
        lastChangeAt = changeRoute();
        Thread.sleep(60);
      }
      long routeMs = awaitFleetRuns("change-" + changeCounter, lastChangeAt);
      long ackMs = awaitProgrammedStatus(lastChangeAt);
      HttpResponse<String> after = get("/");
      assertThat(after.headers().firstValue("x-e2e-change")).hasValue("change-" + changeCounter);
      record(
          load.next("EndpointSlice churn"),
          routeMs + " (proxies), " + ackMs + " (ACK in status)",
          ROUTE_CHANGES + " updates of the HTTPRoute, last one measured");

      // 2. endpoint churn: echo servers join and leave the Service's EndpointSlice.
      List<List<String>> sets =
          List.of(
              ECHO_HOSTS.subList(0, 3),
              ECHO_HOSTS.subList(1, 3),
              ECHO_HOSTS.subList(1, 4),
              ECHO_HOSTS.subList(2, 4),
              List.of(ECHO_HOSTS.get(0), ECHO_HOSTS.get(3)),
              ECHO_HOSTS.subList(0, 1),
              ECHO_HOSTS,
              ECHO_HOSTS.subList(0, 2),
              ECHO_HOSTS.subList(2, 4),
              ECHO_HOSTS);
      long churnAt = 0;
      for (List<String> set : sets) {
        churnAt = setEndpoints(set);
        Thread.sleep(300);
      }
      long churnMs = awaitFleetEndpoints(new TreeSet<>(ECHO_HOSTS), churnAt);
      record(
          load.next("SIGKILL a proxy, restart it"),
          String.valueOf(churnMs),
          sets.size() + " EndpointSlice updates, last one measured");

      // 3. SIGKILL one proxy; the load balancer's health check takes it out; restart it.
      ProxyReplica killed = fleets.get("quickstart").get(0);
      // Kill it while haproxy has a request on it (bounded wait): the scenario is about losing
      // in-flight requests, not about a lucky idle moment.
      long inFlightWait = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      int onKilled;
      while ((onKilled = lb.activeSessions(killed.name())) < 1
          && System.nanoTime() < inFlightWait) {
        Thread.sleep(2);
      }
      long killAtMs = load.current().millisSinceStart();
      killed.process().kill();
      Thread.sleep(2000);
      long restartAt = System.nanoTime();
      killed.start();
      long killMs = awaitReplicaCaughtUp(killed, restartAt);
      LoadGenerator.Scenario sigkill = load.next("SIGTERM a proxy, restart it");
      // In flight on the killed proxy: haproxy's 502 naming it, or (haproxy closed the client
      // connection without an answer) an I/O error within 2 s of the kill.
      List<LoadGenerator.Failure> unexpected =
          sigkill.failures().stream()
              .filter(
                  f ->
                      !f.server().equals(killed.name())
                          && !(f.status() == -1
                              && f.atMillis() >= killAtMs - 100
                              && f.atMillis() <= killAtMs + 2000))
              .toList();
      assertThat(unexpected)
          .as("SIGKILL: failures other than requests in flight on the killed proxy")
          .isEmpty();
      assertThat(sigkill.failures().size())
          .as("SIGKILL: at most one request in flight per load connection")
          .isLessThanOrEqualTo(WORKERS);
      table.add(
          new ScenarioTable.Row(
              sigkill.name,
              sigkill.requests.get(),
              sigkill.failures().size(),
              killMs + " (restart to ready on the latest version)",
              "answered by "
                  + sigkill.spread()
                  + "; "
                  + sigkill.failures().size()
                  + " in flight on "
                  + killed.name()
                  + " when it died (allowed; haproxy had "
                  + onKilled
                  + " request(s) on it at the kill)"
                  + sigkill.failures().stream()
                      .map(f -> f.status() + " " + f.detail())
                      .collect(
                          Collectors.joining(
                              " | ", sigkill.failures().isEmpty() ? "" : ": ", ""))));

      // 4. SIGTERM another proxy: it drains; then it comes back.
      ProxyReplica drained = fleets.get("quickstart").get(1);
      long termAt = System.nanoTime();
      boolean exited = drained.process().terminate(60);
      long drainMs = (System.nanoTime() - termAt) / 1_000_000;
      assertThat(exited).as(drained.name() + " exits after SIGTERM").isTrue();
      restartAt = System.nanoTime();
      drained.start();
      long termMs = awaitReplicaCaughtUp(drained, restartAt);
      record(
          load.next("leader operator SIGKILL"),
          termMs + " (restart to ready on the latest version)",
          "exit " + drainMs + " ms after SIGTERM");

      // 5. kill the leading operator: the other takes the Lease and the proxies' streams.
      String leaderName = leaseHolder();
      OperatorReplica leader =
          operators.stream().filter(o -> o.name().equals(leaderName)).findFirst().orElseThrow();
      OperatorReplica survivor =
          operators.stream().filter(o -> o != leader).findFirst().orElseThrow();
      long killAt = System.nanoTime();
      leader.process().kill();
      long failoverMs =
          Await.until(
              survivor.name() + " takes the Lease",
              Duration.ofSeconds(60),
              () -> survivor.name().equals(leaseHolder()),
              this::leaseHolder);
      long changeAt = changeRoute();
      long opRouteMs = awaitFleetRuns("change-" + changeCounter, changeAt);
      long opAckMs = awaitProgrammedStatus(changeAt);
      long totalMs = (System.nanoTime() - killAt) / 1_000_000;
      record(
          load.next("kube-apiserver restart"),
          failoverMs
              + " (Lease), "
              + opRouteMs
              + " (next change on proxies), "
              + opAckMs
              + " (ACK in status)",
          leaderName
              + " killed, "
              + survivor.name()
              + " leads; "
              + totalMs
              + " ms kill to status; "
              + leaderName
              + " restarted after the next scenario");

      // 6. restart the API server; everything reconnects, the next change goes through.
      long apiAt = System.nanoTime();
      controlPlane.restartApiServer();
      long apiDownMs = (System.nanoTime() - apiAt) / 1_000_000;
      changeAt = changeRoute();
      long apiRouteMs = awaitFleetRuns("change-" + changeCounter, changeAt);
      long apiAckMs = awaitProgrammedStatus(changeAt);
      LoadGenerator.Scenario apiRestart = load.next("killed operator restarted");
      record(
          apiRestart,
          apiRouteMs + " (next change on proxies), " + apiAckMs + " (ACK in status)",
          "stop + start took " + apiDownMs + " ms");

      // 7. the killed operator comes back, as a follower. It is restarted only now: Programmed
      // counts the ACKs of the leader's own proxy streams, and a restarted replica that takes the
      // Lease (as it can while the API server restarts) has none — every proxy stays on the replica
      // it failed over to. See e2e/README.md, "Not covered yet".
      long backAt = System.nanoTime();
      leader.start();
      Await.until(
          leader.name() + " back and ready",
          Duration.ofSeconds(120),
          leader::ready,
          () -> leader.process().tail(20));
      long backMs = (System.nanoTime() - backAt) / 1_000_000;
      Thread.sleep(1000);
      record(
          load.next("after"),
          backMs + " (restart to /ready)",
          leader.name() + " rejoins; " + leaseHolder() + " holds the Lease");
    } finally {
      load.close();
    }

    // Every proxy of the fleet runs the same, latest routing, and the operator's ACK says so.
    Set<String> versions =
        fleets.get("quickstart").stream()
            .map(ProxyReplica::routingVersion)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(versions).hasSize(1);
    assertThat(programmedMessage()).endsWith("routing version " + versions.iterator().next());

    System.out.println(
        "\nE2E scenario table ("
            + WORKERS
            + " keep-alive connections through haproxy to 3 proxies; "
            + load.sent()
            + " requests in all):\n"
            + table.render());
    for (ScenarioTable.Row row : table.rows()) {
      if (!row.scenario().startsWith("SIGKILL")) {
        assertThat(row.failures()).as(row.scenario() + ": failed requests").isZero();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers.

  private void record(LoadGenerator.Scenario s, String convergence, String note) {
    List<LoadGenerator.Failure> f = s.failures();
    String detail =
        f.isEmpty()
            ? note
            : note
                + "; failures: "
                + f.stream()
                    .limit(5)
                    .map(x -> x.status() + "@" + x.server() + " " + x.detail())
                    .collect(Collectors.joining(" | "));
    table.add(
        new ScenarioTable.Row(
            s.name,
            s.requests.get(),
            f.size(),
            convergence,
            detail + "; answered by " + s.spread()));
  }

  private void phase(String name, long startNanos) {
    long ms = (System.nanoTime() - startNanos) / 1_000_000;
    phaseMillis.put(name, ms);
    System.out.println("E2E setup: " + name + " in " + ms + " ms");
  }

  /** The load route's default rule gets a new response header value; returns System.nanoTime(). */
  private long changeRoute() {
    changeCounter++;
    String value = "change-" + changeCounter;
    retryOnConflict(
        () ->
            admin
                .resources(HTTPRoute.class)
                .inNamespace(LOAD_NS)
                .withName("quickstart")
                .edit(
                    r -> {
                      var rule =
                          r.getSpec().getRules().stream()
                              .filter(x -> "default".equals(x.getName()))
                              .findFirst()
                              .orElseThrow();
                      rule.getFilters()
                          .getFirst()
                          .getResponseHeaderModifier()
                          .setSet(
                              List.of(
                                  new HTTPHeaderBuilder()
                                      .withName("x-e2e-change")
                                      .withValue(value)
                                      .build()));
                      return r;
                    }));
    return System.nanoTime();
  }

  private long setEndpoints(List<String> hosts) {
    List<Endpoint> endpoints =
        hosts.stream()
            .map(
                h ->
                    new EndpointBuilder()
                        .withAddresses(h)
                        .withNewConditions()
                        .withReady(true)
                        .withServing(true)
                        .withTerminating(false)
                        .endConditions()
                        .build())
            .toList();
    retryOnConflict(
        () ->
            admin
                .discovery()
                .v1()
                .endpointSlices()
                .inNamespace(LOAD_NS)
                .withName(LOAD_SLICE)
                .edit(s -> new EndpointSliceBuilder(s).withEndpoints(endpoints).build()));
    return System.nanoTime();
  }

  /**
   * An edit is read-modify-write with the object's resourceVersion; the operator's status writes
   * move that version, so a 409 means "read again", exactly what kubectl edit users do. Other
   * errors (the API server restarting) are retried too, for at most 30 s.
   */
  private static void retryOnConflict(Runnable edit) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        edit.run();
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        try {
          Thread.sleep(e.getCode() == 409 ? 5 : 200);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Waits until every load-fleet proxy's /config holds {@code marker}; ms since {@code since}. */
  private long awaitFleetRuns(String marker, long since) {
    String quoted = "\"" + marker + "\"";
    Await.until(
        "every proxy runs " + marker,
        CONVERGE,
        () ->
            fleets.get("quickstart").stream()
                .allMatch(
                    p -> {
                      JsonNode c = p.config();
                      return c != null && c.toString().contains(quoted);
                    }),
        () ->
            fleets.get("quickstart").stream()
                .map(p -> p.name() + "=" + p.routingVersion())
                .toList()
                .toString());
    return (System.nanoTime() - since) / 1_000_000;
  }

  /** Waits until the Gateway's Programmed condition names the routing version the proxies run. */
  private long awaitProgrammedStatus(long since) {
    Await.until(
        "Gateway Programmed=True for the routing version every proxy runs",
        CONVERGE,
        () -> {
          String v = fleets.get("quickstart").getFirst().routingVersion();
          String m = programmedMessage();
          return v != null
              && m != null
              && m.equals(
                  FLEET_HOSTS.size()
                      + " of "
                      + FLEET_HOSTS.size()
                      + " proxies run routing version "
                      + v);
        },
        this::programmedMessage);
    return (System.nanoTime() - since) / 1_000_000;
  }

  private long awaitFleetEndpoints(Set<String> expected, long since) {
    Await.until(
        "every proxy has endpoints " + expected,
        CONVERGE,
        () -> fleets.get("quickstart").stream().allMatch(p -> expected.equals(echoV1Endpoints(p))),
        () ->
            fleets.get("quickstart").stream()
                .map(p -> p.name() + "=" + echoV1Endpoints(p))
                .toList()
                .toString());
    return (System.nanoTime() - since) / 1_000_000;
  }

  private Set<String> echoV1Endpoints(ProxyReplica p) {
    JsonNode c = p.config();
    Set<String> out = new TreeSet<>();
    if (c == null) {
      return out;
    }
    for (JsonNode cluster : c.path("snapshot").path("endpoints").path("clusters")) {
      if (cluster.path("cluster").asText().startsWith("service/" + LOAD_NS + "/echo-v1/")) {
        cluster.path("endpoints").forEach(e -> out.add(e.path("address").asText()));
      }
    }
    return out;
  }

  /** A restarted replica is ready and runs what the rest of its fleet runs. */
  private long awaitReplicaCaughtUp(ProxyReplica replica, long since) {
    Await.until(
        replica.name() + " ready on the fleet's routing version",
        CONVERGE,
        () -> {
          if (!replica.ready()) {
            return false;
          }
          String v = replica.routingVersion();
          return v != null
              && fleets.get("quickstart").stream()
                  .filter(p -> p != replica)
                  .allMatch(p -> v.equals(p.routingVersion()));
        },
        () -> replica.process().tail(20));
    return (System.nanoTime() - since) / 1_000_000;
  }

  private String programmedMessage() {
    try {
      JsonNode gw =
          json(
              admin
                  .genericKubernetesResources("gateway.networking.k8s.io/v1", "Gateway")
                  .inNamespace(LOAD_NS)
                  .withName(LOAD_GATEWAY)
                  .get());
      for (JsonNode c : gw.path("status").path("conditions")) {
        if (c.path("type").asText().equals("Programmed")
            && c.path("status").asText().equals("True")) {
          return c.path("message").asText();
        }
      }
      return null;
    } catch (RuntimeException e) {
      // The API server may be restarting: no answer is "not yet".
      return null;
    }
  }

  /** The proxy container's args of the fleet Deployment the operator created in {@code ns}. */
  private List<String> fleetDeploymentArgs(String ns) {
    Await.until(
        "fleet Deployment in " + ns,
        CONVERGE,
        () -> !fleetDeployments(ns).isEmpty(),
        () -> operators.getFirst().process().tail(20));
    var d = fleetDeployments(ns).getFirst();
    var c = d.getSpec().getTemplate().getSpec().getContainers().getFirst();
    // The image's entrypoint is `java -jar gantry.jar`; bin/gantry is that here.
    return c.getArgs() == null ? List.of() : List.copyOf(c.getArgs());
  }

  /** The fleet Deployment's serviceAccountName: the identity its proxies' tokens carry. */
  private String fleetServiceAccount(String ns) {
    String sa =
        fleetDeployments(ns).getFirst().getSpec().getTemplate().getSpec().getServiceAccountName();
    assertThat(sa).as("fleet Deployment serviceAccountName in " + ns).isNotBlank();
    return sa;
  }

  private List<io.fabric8.kubernetes.api.model.apps.Deployment> fleetDeployments(String ns) {
    return admin.apps().deployments().inNamespace(ns).list().getItems().stream()
        .filter(
            d ->
                d.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> o.getKind().equals("Gateway")))
        .toList();
  }

  private JsonNode gatewayClass() {
    return json(
        admin
            .genericKubernetesResources("gateway.networking.k8s.io/v1", "GatewayClass")
            .withName("gantry")
            .get());
  }

  private String leaseHolder() {
    try {
      Lease l = admin.leases().inNamespace(SYSTEM_NS).withName(LEASE).get();
      return l == null ? null : l.getSpec().getHolderIdentity();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Every condition the tier expects on an example's objects that is not True (empty: all are). */
  private List<String> statusProblems(String ns) {
    List<String> problems = new ArrayList<>();
    for (JsonNode gw : list(ns, "gateway.networking.k8s.io/v1", "Gateway")) {
      for (String type : List.of("Accepted", "Programmed")) {
        expectTrue(problems, gw, gw.path("status").path("conditions"), type);
      }
    }
    for (JsonNode route : list(ns, "gateway.networking.k8s.io/v1", "HTTPRoute")) {
      JsonNode parents = route.path("status").path("parents");
      if (parents.isEmpty()) {
        problems.add(name(route) + ": no status.parents");
      }
      for (JsonNode parent : parents) {
        for (String type : List.of("Accepted", "ResolvedRefs")) {
          expectTrue(problems, route, parent.path("conditions"), type);
        }
      }
    }
    for (JsonNode policy : list(ns, "gantry.dev/v1alpha1", "RateLimitPolicy")) {
      JsonNode ancestors = policy.path("status").path("ancestors");
      if (ancestors.isEmpty()) {
        problems.add(name(policy) + ": no status.ancestors");
      }
      for (JsonNode ancestor : ancestors) {
        for (String type : List.of("Accepted", "Enforced")) {
          expectTrue(problems, policy, ancestor.path("conditions"), type);
        }
      }
    }
    return problems;
  }

  private String statusSummary(String ns) {
    List<String> out = new ArrayList<>();
    for (String kind : List.of("Gateway", "HTTPRoute")) {
      for (JsonNode o : list(ns, "gateway.networking.k8s.io/v1", kind)) {
        out.add(name(o) + " " + conditionsText(o.path("status")));
      }
    }
    for (JsonNode o : list(ns, "gantry.dev/v1alpha1", "RateLimitPolicy")) {
      out.add(name(o) + " " + conditionsText(o.path("status")));
    }
    return String.join("; ", out);
  }

  private static String conditionsText(JsonNode status) {
    List<String> out = new ArrayList<>();
    status.findValues("conditions").stream()
        .flatMap(cs -> java.util.stream.StreamSupport.stream(cs.spliterator(), false))
        .forEach(
            c ->
                out.add(
                    c.path("type").asText()
                        + "="
                        + c.path("status").asText()
                        + "/"
                        + c.path("reason").asText()));
    return out.toString();
  }

  private static void expectTrue(
      List<String> problems, JsonNode object, JsonNode conditions, String type) {
    JsonNode generation = object.path("metadata").path("generation");
    for (JsonNode c : conditions) {
      if (c.path("type").asText().equals(type)) {
        if (!c.path("status").asText().equals("True")) {
          problems.add(
              name(object)
                  + " "
                  + type
                  + "="
                  + c.path("status").asText()
                  + " ("
                  + c.path("reason").asText()
                  + ": "
                  + c.path("message").asText()
                  + ")");
        } else if (c.path("observedGeneration").asLong(-1) != generation.asLong(-2)) {
          problems.add(name(object) + " " + type + ": observedGeneration is stale");
        }
        return;
      }
    }
    problems.add(name(object) + ": no " + type + " condition");
  }

  private List<JsonNode> list(String ns, String apiVersion, String kind) {
    try {
      return admin
          .genericKubernetesResources(apiVersion, kind)
          .inNamespace(ns)
          .list()
          .getItems()
          .stream()
          .map(GantryE2E::json)
          .toList();
    } catch (RuntimeException e) {
      return List.of();
    }
  }

  private static String name(JsonNode o) {
    return o.path("kind").asText() + " " + o.path("metadata").path("name").asText();
  }

  private static String condition(JsonNode conditions, String type) {
    for (JsonNode c : conditions) {
      if (c.path("type").asText().equals(type)) {
        return c.path("status").asText();
      }
    }
    return null;
  }

  private static JsonNode json(GenericKubernetesResource r) {
    return JSON.valueToTree(Objects.requireNonNull(r, "resource"));
  }

  private static String gatewayOf(String example) {
    return example.equals("quickstart") ? "quickstart" : "web";
  }

  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();

  private HttpResponse<String> get(String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lb.httpPort() + path))
              .timeout(Duration.ofSeconds(5))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("GET " + path + " through haproxy: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** helm against the test cluster, with its caches and config under the run's directory. */
  private String helm(String... args) {
    List<String> command = new ArrayList<>();
    command.add(env.helm().toString());
    command.addAll(List.of(args));
    command.add("--kubeconfig=" + controlPlane.kubeconfig());
    Path home = work.resolve("helm");
    return Commands.run(
        Duration.ofMinutes(3),
        Map.of(
            "HELM_CACHE_HOME", home.resolve("cache").toString(),
            "HELM_CONFIG_HOME", home.resolve("config").toString(),
            "HELM_DATA_HOME", home.resolve("data").toString()),
        command);
  }

  /**
   * A kubeconfig with a token the TokenRequest API issued for the chart's ServiceAccount (what a
   * pod's projected token is), so the operator processes have exactly the chart's RBAC.
   */
  private Path serviceAccountKubeconfig() throws IOException {
    var token =
        admin
            .serviceAccounts()
            .inNamespace(SYSTEM_NS)
            .withName(OPERATOR_SA)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build());
    String ca = Base64.getEncoder().encodeToString(controlPlane.caPem().getBytes());
    Path file = work.resolve("operator-kubeconfig");
    Files.writeString(
        file,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: e2e
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: %s
          user:
            token: %s
        contexts:
        - name: e2e
          context:
            cluster: e2e
            user: %s
            namespace: %s
        current-context: e2e
        """
            .formatted(
                controlPlane.url(),
                ca,
                OPERATOR_SA,
                token.getStatus().getToken(),
                OPERATOR_SA,
                SYSTEM_NS));
    return file;
  }

  /** The chart's proxy-defaults ConfigMap content, as the Deployment would mount it. */
  private Path proxyDefaultsFromChart() throws IOException {
    ConfigMap cm =
        admin.configMaps().inNamespace(SYSTEM_NS).list().getItems().stream()
            .filter(c -> c.getMetadata().getName().endsWith("proxy-defaults"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no *proxy-defaults ConfigMap in " + SYSTEM_NS));
    assertThat(cm.getData()).hasSize(1);
    Path file = work.resolve("proxy-defaults.yaml");
    Files.writeString(file, cm.getData().values().iterator().next());
    return file;
  }
}
