package dev.gantry.operator;

import dev.gantry.api.v1alpha1.GantryProxyConfigSpec;
import dev.gantry.operator.control.CaBundlePublisher;
import dev.gantry.operator.control.ControlChannelOptions;
import dev.gantry.operator.control.ControlChannelSecurity;
import dev.gantry.operator.control.OperatorCa;
import dev.gantry.operator.control.TokenReviewer;
import dev.gantry.operator.fleet.FleetApplier;
import dev.gantry.operator.fleet.FleetResources;
import dev.gantry.operator.fleet.ProxyDefaults;
import dev.gantry.operator.input.EndpointsResolver;
import dev.gantry.operator.status.Leadership;
import dev.gantry.operator.status.LeaseLeadership;
import dev.gantry.operator.status.StatusFlusher;
import dev.gantry.operator.status.StatusWriter;
import dev.gantry.operator.stream.EndpointsFastPath;
import dev.gantry.operator.stream.FleetReplicas;
import dev.gantry.operator.stream.ProxyAcks;
import dev.gantry.operator.stream.SnapshotServer;
import dev.gantry.operator.stream.SnapshotStore;
import dev.gantry.operator.watch.GatewayClassReconciler;
import dev.gantry.operator.watch.GatewayReconciler;
import dev.gantry.operator.watch.InformerCaches;
import dev.gantry.translator.GatewayApiTranslator;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One operator replica, assembled: JOSDK controllers over the informer caches, the snapshot store
 * and gRPC server (every replica), the status writer and fleet applier (leader only).
 */
public final class GantryOperator implements AutoCloseable {

  /**
   * @param grpcAddress where the snapshot server listens
   * @param advertiseAddress {@code host:port} proxies use to reach the snapshot server
   * @param proxyImage the default proxy image
   * @param leaseNamespace namespace of the leader-election Lease; null disables election (this
   *     replica always leads; for single-replica and test setups)
   * @param identity this replica's name in the Lease
   * @param leaseDuration how long a leader's lease lasts without renewal
   * @param statusDelay how long status flushes are coalesced
   * @param leaseName name of the leader-election Lease
   * @param proxyDefaults fleet defaults ({@code --proxy-defaults}); its image wins over {@code
   *     proxyImage} only when {@code proxyImage} is null
   * @param control how the snapshot stream is secured (CA Secret, rotation) or that it is not
   */
  public record Options(
      InetSocketAddress grpcAddress,
      String advertiseAddress,
      String proxyImage,
      String leaseNamespace,
      String identity,
      Duration leaseDuration,
      Duration statusDelay,
      String leaseName,
      ProxyDefaults proxyDefaults,
      ControlChannelOptions control) {

    /**
     * Built-in proxy defaults with {@code proxyImage}, the default Lease name, and a plaintext,
     * unauthenticated snapshot stream (tests that exercise something other than security).
     */
    public Options(
        InetSocketAddress grpcAddress,
        String advertiseAddress,
        String proxyImage,
        String leaseNamespace,
        String identity,
        Duration leaseDuration,
        Duration statusDelay) {
      this(
          grpcAddress,
          advertiseAddress,
          proxyImage,
          leaseNamespace,
          identity,
          leaseDuration,
          statusDelay,
          LEASE_NAME,
          ProxyDefaults.builtIn(),
          ControlChannelOptions.insecureChannel());
    }

    /** These options with another control channel setting. */
    public Options withControl(ControlChannelOptions control) {
      return new Options(
          grpcAddress,
          advertiseAddress,
          proxyImage,
          leaseNamespace,
          identity,
          leaseDuration,
          statusDelay,
          leaseName,
          proxyDefaults,
          control);
    }

    /** The fleet defaults, with {@code proxyImage} (when set) as the default image. */
    ProxyDefaults effectiveDefaults() {
      ProxyDefaults d = proxyDefaults == null ? ProxyDefaults.builtIn() : proxyDefaults;
      if (proxyImage == null) {
        return d;
      }
      var s = d.spec();
      return new ProxyDefaults(
          new GantryProxyConfigSpec(
              s.replicas(),
              s.resources(),
              s.service(),
              s.autoscaling(),
              GantryProxyConfigSpec.Image.of(proxyImage),
              s.logLevel()),
          d.imagePullPolicy(),
          d.rateLimit(),
          d.accessLog(),
          d.tracing());
    }
  }

  public static final String LEASE_NAME = "gantry-operator-leader";

  private final Operator operator;
  private final SnapshotServer server;
  private final SnapshotStore store;
  private final ProxyAcks acks;
  private final StatusWriter statusWriter;
  private final StatusFlusher flusher;
  private final FleetApplier fleet;
  private final LeaseLeadership lease;
  private final PrometheusMeterRegistry metrics;
  private final OperatorCa ca;
  private volatile boolean closed;

  private GantryOperator(
      Operator operator,
      SnapshotServer server,
      SnapshotStore store,
      ProxyAcks acks,
      StatusWriter statusWriter,
      StatusFlusher flusher,
      FleetApplier fleet,
      LeaseLeadership lease,
      PrometheusMeterRegistry metrics,
      OperatorCa ca) {
    this.metrics = metrics;
    this.ca = ca;
    this.operator = operator;
    this.server = server;
    this.store = store;
    this.acks = acks;
    this.statusWriter = statusWriter;
    this.flusher = flusher;
    this.fleet = fleet;
    this.lease = lease;
  }

  public static GantryOperator start(KubernetesClient client, Options options) {
    return start(client, options, new GatewayApiTranslator()::translate);
  }

  public static GantryOperator start(
      KubernetesClient client, Options options, Translation translation) {
    Clock clock = Clock.systemUTC();
    ControlChannelOptions control =
        options.control() == null ? ControlChannelOptions.insecureChannel() : options.control();
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SnapshotStore store = new SnapshotStore();
    ProxyAcks acks = new ProxyAcks();
    InformerCaches caches = new InformerCaches();

    // Leadership is decided by the lease once it starts; until then, and on followers, no writes.
    AtomicReference<Runnable> onLead = new AtomicReference<>(() -> {});
    LeaseLeadership lease = null;
    Leadership leadership;
    if (options.leaseNamespace() == null) {
      leadership = Leadership.ALWAYS;
    } else {
      AtomicReference<LeaseLeadership> ref = new AtomicReference<>();
      leadership = () -> ref.get() != null && ref.get().isLeader();
      lease =
          new LeaseLeadership(
              client,
              options.leaseNamespace(),
              options.leaseName() == null ? LEASE_NAME : options.leaseName(),
              options.identity(),
              options.leaseDuration(),
              () -> Thread.ofVirtual().name("gantry-new-leader").start(() -> onLead.get().run()));
      ref.set(lease);
    }

    StatusWriter writer =
        new StatusWriter(
            client,
            caches,
            acks,
            leadership,
            key -> store.get(key).map(s -> s.routing().version()).orElse(null),
            clock,
            GatewayApiTranslator.CONTROLLER_NAME);
    StatusFlusher flusher = new StatusFlusher(writer, options.statusDelay());
    acks.onChange(flusher::gateway);
    FleetApplier applier = new FleetApplier(client, leadership);
    GatewayPipeline pipeline =
        new GatewayPipeline(
            caches,
            translation,
            store,
            new FleetResources(options.advertiseAddress(), !control.insecure()),
            applier,
            writer,
            flusher,
            options.effectiveDefaults(),
            clock,
            metrics);
    onLead.set(
        () -> {
          applier.applyAll();
          flusher.all();
        });

    EndpointsFastPath fastPath = new EndpointsFastPath(store, new EndpointsResolver(caches));
    OperatorCa ca = null;
    ControlChannelSecurity security = ControlChannelSecurity.insecure();
    if (!control.insecure()) {
      // The serving certificate must exist before the server accepts its first handshake.
      ca =
          new OperatorCa(
                  client,
                  control.caNamespace(),
                  control.caSecret(),
                  control.policy(),
                  clock,
                  OperatorCa.ServingNames.forAdvertisedHost(
                      advertisedHost(options.advertiseAddress()), control.podIp()))
              .start();
      security = ControlChannelSecurity.tls(ca.keyManager(), TokenReviewer.defaults(client));
      CaBundlePublisher publisher =
          new CaBundlePublisher(
              client, leadership, () -> namespaces(store.gatewayKeys()), ca::bundlePem);
      ca.onRefresh(state -> publisher.publishAll());
      applier.beforeApply(publisher::publishTo);
      Runnable fleets = onLead.get();
      onLead.set(
          () -> {
            fleets.run();
            publisher.publishAll();
          });
    }
    FleetReplicas fleetReplicas = new FleetReplicas();
    SnapshotServer server =
        SnapshotServer.start(options.grpcAddress(), store, acks, fleetReplicas, security);
    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .checkingCRDAndValidateLocalModel(false)
                    .withConcurrentReconciliationThreads(4));
    operator.register(new GatewayReconciler(pipeline, caches, fastPath, fleetReplicas));
    operator.register(new GatewayClassReconciler(pipeline));
    operator.start();
    Gauge.builder("gantry.operator.connected.proxies", acks, ProxyAcks::connectedProxies)
        .description("Proxies with an open snapshot stream to this replica")
        .register(metrics);
    FunctionCounter.builder("gantry.operator.snapshot.pushes", server, SnapshotServer::pushes)
        .description("Snapshot stream responses sent to proxies")
        .register(metrics);
    FunctionCounter.builder("gantry.operator.status.writes", writer, StatusWriter::writes)
        .description("Status subresource updates written (leader only)")
        .register(metrics);
    Gauge.builder("gantry.operator.leader", () -> leadership.isLeader() ? 1 : 0)
        .description("1 while this replica holds the Lease")
        .register(metrics);
    return new GantryOperator(
        operator, server, store, acks, writer, flusher, applier, lease, metrics, ca);
  }

  private static String advertisedHost(String hostPort) {
    String host = hostPort.substring(0, hostPort.lastIndexOf(':'));
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static java.util.Set<String> namespaces(java.util.Set<String> gatewayKeys) {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (String key : gatewayKeys) {
      out.add(key.substring(0, key.indexOf('/')));
    }
    return out;
  }

  /**
   * Ready to serve proxies: JOSDK started (its start returns once every informer has synced), its
   * event sources are healthy, and the snapshot server is up.
   */
  public boolean isReady() {
    return !closed
        && operator.getRuntimeInfo().isStarted()
        && operator.getRuntimeInfo().allEventSourcesAreHealthy()
        && server.isServing()
        && (ca == null || ca.hasServingCertificate());
  }

  /** The control channel CA of this replica; empty when the stream runs insecure. */
  public java.util.Optional<OperatorCa> controlCa() {
    return java.util.Optional.ofNullable(ca);
  }

  /** Alive until closed; a wedged JVM fails the probe by not answering. */
  public boolean isLive() {
    return !closed;
  }

  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  public int grpcPort() {
    return server.port();
  }

  public SnapshotStore snapshots() {
    return store;
  }

  public ProxyAcks acks() {
    return acks;
  }

  public StatusWriter statusWriter() {
    return statusWriter;
  }

  public StatusFlusher statusFlusher() {
    return flusher;
  }

  public FleetApplier fleet() {
    return fleet;
  }

  public boolean isLeader() {
    return lease == null || lease.isLeader();
  }

  @Override
  public void close() {
    closed = true;
    operator.stop();
    if (lease != null) {
      lease.close();
    }
    flusher.close();
    server.close();
    if (ca != null) {
      ca.close();
    }
  }
}
