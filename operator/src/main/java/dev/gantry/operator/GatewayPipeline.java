package dev.gantry.operator;

import dev.gantry.api.v1alpha1.GantryProxyConfig;
import dev.gantry.api.v1alpha1.GantryProxyConfigSpec;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.operator.fleet.FleetApplier;
import dev.gantry.operator.fleet.FleetResources;
import dev.gantry.operator.fleet.FleetSettings;
import dev.gantry.operator.fleet.GatewayAddresses;
import dev.gantry.operator.fleet.ProxyDefaults;
import dev.gantry.operator.input.EndpointsResolver;
import dev.gantry.operator.input.GatewayInputs;
import dev.gantry.operator.input.ObjectKeys;
import dev.gantry.operator.input.ResourceCaches;
import dev.gantry.operator.status.StatusFlusher;
import dev.gantry.operator.status.StatusWriter;
import dev.gantry.operator.stream.SnapshotStore;
import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.ResourceSnapshot;
import dev.gantry.translator.TranslationResult;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * What happens when a Gateway (or anything it depends on) changes, in order: build its input from
 * the caches, translate, publish the snapshot to the proxies (endpoints from the EndpointSlice
 * cache), apply the fleet, hand the computed statuses to the status writer. The reconcilers call
 * this and decide nothing themselves.
 */
public final class GatewayPipeline {

  private static final System.Logger LOG = System.getLogger(GatewayPipeline.class.getName());

  private final ResourceCaches caches;
  private final GatewayInputs inputs;
  private final Translation translation;
  private final SnapshotStore store;
  private final EndpointsResolver endpoints;
  private final FleetResources fleet;
  private final FleetApplier applier;
  private final StatusWriter writer;
  private final StatusFlusher flusher;
  private final ProxyDefaults defaults;
  private final Clock clock;
  private final Timer reconciles;

  public GatewayPipeline(
      ResourceCaches caches,
      Translation translation,
      SnapshotStore store,
      FleetResources fleet,
      FleetApplier applier,
      StatusWriter writer,
      StatusFlusher flusher,
      ProxyDefaults defaults,
      Clock clock,
      MeterRegistry metrics) {
    this.caches = caches;
    this.inputs = new GatewayInputs(caches, GatewayApiTranslator.CONTROLLER_NAME);
    this.translation = translation;
    this.store = store;
    this.endpoints = new EndpointsResolver(caches);
    this.fleet = fleet;
    this.applier = applier;
    this.writer = writer;
    this.flusher = flusher;
    this.defaults = defaults;
    this.clock = clock;
    this.reconciles =
        Timer.builder("gantry.operator.reconcile")
            .description("Gateway reconciles: translate, publish, apply the fleet, compute status")
            .register(metrics);
  }

  public void gatewayChanged(Gateway gateway) {
    reconciles.record(() -> reconcile(gateway));
  }

  private void reconcile(Gateway gateway) {
    String key = ObjectKeys.key(gateway);
    Optional<GatewayClass> gatewayClass =
        gateway.getSpec() == null
            ? Optional.empty()
            : caches.gatewayClass(gateway.getSpec().getGatewayClassName());
    if (gatewayClass.isEmpty() || !isOurs(gatewayClass.get())) {
      // Not (or no longer) ours: serve nothing, write nothing.
      gatewayDeleted(key);
      return;
    }
    ResourceSnapshot input = inputs.forGateway(gateway);
    TranslationResult result;
    try {
      result = translation.translate(input, clock.instant());
    } catch (RuntimeException e) {
      // A pure function fails the same way on a retry: log, keep serving the last snapshot, and
      // wait for the next change instead of spinning in JOSDK's retry loop.
      LOG.log(System.Logger.Level.ERROR, "translation of Gateway " + key + " failed", e);
      return;
    }

    GatewaySnapshot translated = result.snapshots().get(key);
    if (translated != null) {
      // Endpoints always come from the caches, the same source the fast path uses, so a
      // translation and an EndpointSlice event can never disagree and flap the version.
      store.publish(
          key,
          GatewaySnapshot.of(
              translated.gateway(),
              translated.routing(),
              endpoints.endpointsFor(translated.routing()),
              translated.secrets()));
    }

    FleetSettings settings =
        FleetSettings.resolve(proxyConfig(gateway, gatewayClass.get()), defaults);
    Optional<Service> service = applier.apply(key, fleet.desired(gateway, settings));

    Gateway computed =
        result.gateways().stream()
            .filter(g -> ObjectKeys.key(g).equals(key))
            .findFirst()
            .orElse(null);
    writer.gatewayTranslated(
        key,
        new StatusWriter.DesiredGateway(
            computed,
            result.httpRoutes(),
            GatewayAddresses.of(service.orElse(null)),
            result.rateLimitPolicies(),
            translated == null ? null : translated.routing().version(),
            translated == null
                ? java.util.Set.of()
                : translated.routing().rateLimits().stream()
                    .map(dev.gantry.model.routing.RateLimit::name)
                    .collect(java.util.stream.Collectors.toUnmodifiableSet()),
            result.backendPolicies(),
            result.backendTlsPolicies()));
    flusher.gateway(key);
    for (GatewayClass c : result.gatewayClasses()) {
      writer.gatewayClassTranslated(c);
      flusher.gatewayClass(c.getMetadata().getName());
    }
  }

  public void gatewayDeleted(String gatewayKey) {
    store.remove(gatewayKey);
    applier.forget(gatewayKey);
    writer.gatewayDeleted(gatewayKey);
  }

  /** A GatewayClass on its own (it may have no Gateway yet): only its status is computed. */
  public void gatewayClassChanged(GatewayClass gatewayClass) {
    if (!isOurs(gatewayClass)) {
      writer.gatewayClassDeleted(gatewayClass.getMetadata().getName());
      return;
    }
    TranslationResult result =
        translation.translate(
            // A class's status depends on the class alone; its controller runs independently of
            // the Gateway controller's caches, which may not have started yet.
            new ResourceSnapshot(List.of(gatewayClass), null, null, null, null, null, null, null),
            clock.instant());
    for (GatewayClass c : result.gatewayClasses()) {
      writer.gatewayClassTranslated(c);
      flusher.gatewayClass(c.getMetadata().getName());
    }
  }

  public static boolean isOurs(GatewayClass c) {
    return c.getSpec() != null
        && GatewayApiTranslator.CONTROLLER_NAME.equals(c.getSpec().getControllerName());
  }

  /** The Gateway's own parametersRef wins over its class's (GEP-1867). */
  private GantryProxyConfigSpec proxyConfig(Gateway gateway, GatewayClass gatewayClass) {
    var infra = gateway.getSpec().getInfrastructure();
    if (infra != null && infra.getParametersRef() != null) {
      var ref = infra.getParametersRef();
      if (GantryProxyConfig.GROUP.equals(ref.getGroup())
          && GantryProxyConfig.KIND.equals(ref.getKind())) {
        return lookup(gateway.getMetadata().getNamespace(), ref.getName());
      }
    }
    var ref = gatewayClass.getSpec().getParametersRef();
    if (ref != null
        && GantryProxyConfig.GROUP.equals(ref.getGroup())
        && GantryProxyConfig.KIND.equals(ref.getKind())
        && ref.getNamespace() != null) {
      return lookup(ref.getNamespace(), ref.getName());
    }
    return null;
  }

  private GantryProxyConfigSpec lookup(String namespace, String name) {
    Optional<GantryProxyConfig> c = caches.proxyConfig(namespace, name);
    if (c.isEmpty()) {
      // The translator reports a missing parametersRef in status; the fleet gets defaults.
      LOG.log(
          System.Logger.Level.WARNING,
          "GantryProxyConfig {0}/{1} not found; using defaults",
          namespace,
          name);
      return null;
    }
    return c.get().getSpec();
  }
}
