package dev.gantry.operator.watch;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.GantryProxyConfig;
import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.operator.GatewayPipeline;
import dev.gantry.operator.input.GatewayInputs;
import dev.gantry.operator.input.ObjectKeys;
import dev.gantry.operator.input.PolicyTargets;
import dev.gantry.operator.stream.EndpointsFastPath;
import dev.gantry.operator.stream.FleetReplicas;
import dev.gantry.translator.GatewayApiTranslator;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reconciles one Gateway: hands it to the {@link GatewayPipeline}. Its event sources cache every
 * input kind, and each source's mapper names the Gateways a change affects, so a change to one
 * route reconciles only the Gateways that route attaches to.
 *
 * <p>Status-only updates are ignored (generation-aware processing for Gateways, generation filters
 * for routes and classes), so the status writer's own writes never requeue anything. Deletes are
 * delivered too ({@code triggerReconcilerOnAllEvents}) so the Gateway's snapshot is dropped without
 * a finalizer on user objects.
 */
@ControllerConfiguration(name = "gateway", triggerReconcilerOnAllEvents = true)
public final class GatewayReconciler implements Reconciler<Gateway> {

  static final String ROUTES_BY_GATEWAY = "by-gateway";
  static final String ROUTES_BY_SERVICE = "by-service";

  private final GatewayPipeline pipeline;
  private final InformerCaches caches;
  private final EndpointsFastPath fastPath;
  private final FleetReplicas fleetReplicas;

  public GatewayReconciler(
      GatewayPipeline pipeline,
      InformerCaches caches,
      EndpointsFastPath fastPath,
      FleetReplicas fleetReplicas) {
    this.pipeline = pipeline;
    this.caches = caches;
    this.fastPath = fastPath;
    this.fleetReplicas = fleetReplicas;
  }

  @Override
  public UpdateControl<Gateway> reconcile(Gateway gateway, Context<Gateway> context) {
    if (context.isPrimaryResourceDeleted()) {
      pipeline.gatewayDeleted(ObjectKeys.key(gateway));
    } else {
      pipeline.gatewayChanged(gateway);
    }
    return UpdateControl.noUpdate();
  }

  @Override
  public List<EventSource<?, Gateway>> prepareEventSources(EventSourceContext<Gateway> context) {
    caches.gateways = context.getPrimaryCache();
    String controller = GatewayApiTranslator.CONTROLLER_NAME;

    var classes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(GatewayClass.class, Gateway.class)
                .withName("gatewayclasses")
                .withSecondaryToPrimaryMapper(
                    c ->
                        gatewaysWhere(
                            g ->
                                g.getSpec() != null
                                    && Objects.equals(
                                        c.getMetadata().getName(),
                                        g.getSpec().getGatewayClassName())))
                .withOnUpdateFilter(GatewayReconciler::generationChanged)
                .build(),
            context);

    var routes =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(HTTPRoute.class, Gateway.class)
                .withName("httproutes")
                .withSecondaryToPrimaryMapper(r -> toIds(ObjectKeys.gatewaysOf(r, controller)))
                // Our own status writes must not bring the route back (no self-triggered requeue).
                .withOnUpdateFilter(GatewayReconciler::generationChanged)
                .build(),
            context);
    routes.addIndexers(
        Map.of(
            ROUTES_BY_GATEWAY,
            r -> List.copyOf(ObjectKeys.gatewaysOf(r, controller)),
            ROUTES_BY_SERVICE,
            r -> List.copyOf(GatewayInputs.backendServices(r))));

    var grants =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ReferenceGrant.class, Gateway.class)
                .withName("referencegrants")
                // Grants are few and change rarely; any of them can open a cross-namespace ref.
                .withSecondaryToPrimaryMapper(g -> gatewaysWhere(x -> true))
                .build(),
            context);

    var services =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Service.class, Gateway.class)
                .withName("services")
                .withSecondaryToPrimaryMapper(this::gatewaysOfService)
                // The creation of a fleet Service is our own doing in a reconcile of its Gateway:
                // only its later updates (a load-balancer address) are news to that Gateway.
                .withOnAddFilter(s -> !ownedByGateway(s))
                .build(),
            context);

    var slices = new EndpointSliceEventSource(context, fastPath);
    slices.addIndexers(
        Map.of(
            InformerCaches.SLICES_BY_SERVICE,
            s -> {
              String svc =
                  s.getMetadata().getLabels() == null
                      ? null
                      : s.getMetadata().getLabels().get(InformerCaches.SERVICE_NAME_LABEL);
              return svc == null ? List.of() : List.of(s.getMetadata().getNamespace() + "/" + svc);
            }));

    var secrets =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Secret.class, Gateway.class)
                .withName("secrets")
                .withSecondaryToPrimaryMapper(
                    s -> {
                      Set<ResourceID> ids =
                          new HashSet<>(
                              gatewaysWhere(
                                  g ->
                                      GatewayInputs.certificateSecrets(g)
                                          .contains(ObjectKeys.key(s))));
                      // Secrets also serve as CA bundles (frontend validation, BackendTLSPolicy).
                      ids.addAll(gatewaysOfCaBundle("Secret/" + ObjectKeys.key(s)));
                      return ids;
                    })
                .build(),
            context);

    var namespaces =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Namespace.class, Gateway.class)
                .withName("namespaces")
                // Namespace labels feed allowedRoutes selectors of any Gateway.
                .withSecondaryToPrimaryMapper(n -> gatewaysWhere(x -> true))
                .withOnUpdateFilter(
                    (n, o) ->
                        !Objects.equals(n.getMetadata().getLabels(), o.getMetadata().getLabels()))
                .build(),
            context);

    var proxyConfigs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(GantryProxyConfig.class, Gateway.class)
                .withName("gantryproxyconfigs")
                .withSecondaryToPrimaryMapper(this::gatewaysOfProxyConfig)
                .build(),
            context);

    // Our own status writes must not bring the policy back (no self-triggered requeue); a
    // re-targeted policy also reconciles the Gateways it left.
    var policies = new RateLimitPolicyEventSource(context, controller, this::gatewaysOfPolicy);

    var deployments = new FleetDeploymentEventSource(context, fleetReplicas);

    var backendPolicies =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(BackendPolicy.class, Gateway.class)
                .withName("backendpolicies")
                .withSecondaryToPrimaryMapper(
                    p ->
                        policyGateways(
                            () ->
                                PolicyTargets.gatewaysOf(
                                    p, caches, GatewayApiTranslator.CONTROLLER_NAME)))
                // Our own status writes must not bring the policy back (no self-triggered requeue).
                .withOnUpdateFilter(GatewayReconciler::generationChanged)
                .build(),
            context);

    // CA bundles (client-certificate validation, BackendTLSPolicy) and the policies themselves.
    var configMaps =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(ConfigMap.class, Gateway.class)
                .withName("configmaps")
                .withSecondaryToPrimaryMapper(this::gatewaysOfCaBundle)
                .build(),
            context);
    var tlsPolicies =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(BackendTLSPolicy.class, Gateway.class)
                .withName("backendtlspolicies")
                .withSecondaryToPrimaryMapper(this::gatewaysOfTlsPolicy)
                .withOnUpdateFilter(GatewayReconciler::generationChanged)
                .build(),
            context);

    caches.gatewayClasses = classes;
    caches.routes = routes;
    caches.grants = grants;
    caches.services = services;
    caches.slices = slices;
    caches.secrets = secrets;
    caches.namespaces = namespaces;
    caches.proxyConfigs = proxyConfigs;
    caches.rateLimitPolicies = policies;
    caches.backendPolicies = backendPolicies;
    caches.configMaps = configMaps;
    caches.backendTlsPolicies = tlsPolicies;
    return List.of(
        classes,
        routes,
        grants,
        services,
        slices,
        secrets,
        namespaces,
        proxyConfigs,
        policies,
        backendPolicies,
        configMaps,
        tlsPolicies,
        deployments);
  }

  /**
   * The Gateways routing to the policy's Services, plus those our {@code status.ancestors} names: a
   * policy re-targeted away from a Gateway must reach that Gateway too, whose status flush then
   * removes its stale entry.
   */
  private Set<ResourceID> gatewaysOfTlsPolicy(BackendTLSPolicy p) {
    Set<ResourceID> out = gatewaysOfServices(dev.gantry.operator.input.TlsInputs.targetServices(p));
    if (p.getStatus() != null && p.getStatus().getAncestors() != null) {
      for (var a : p.getStatus().getAncestors()) {
        if (GatewayApiTranslator.CONTROLLER_NAME.equals(a.getControllerName())) {
          String k = ObjectKeys.gatewayKey(a.getAncestorRef(), p.getMetadata().getNamespace());
          if (k != null) {
            out.addAll(toIds(Set.of(k)));
          }
        }
      }
    }
    return out;
  }

  /** The Gateways routing to any of these Services ({@code ns/name}). */
  private Set<ResourceID> gatewaysOfServices(Set<String> serviceKeys) {
    Set<ResourceID> out = new HashSet<>();
    if (caches.routes == null) {
      return out;
    }
    for (String key : serviceKeys) {
      for (HTTPRoute r : caches.httpRoutesToService(key)) {
        out.addAll(toIds(ObjectKeys.gatewaysOf(r, GatewayApiTranslator.CONTROLLER_NAME)));
      }
    }
    return out;
  }

  private Set<ResourceID> gatewaysOfCaBundle(ConfigMap cm) {
    return gatewaysOfCaBundle("ConfigMap/" + ObjectKeys.key(cm));
  }

  /**
   * A CA bundle ({@code Kind/ns/name}) matters to the Gateways whose frontend validation names it
   * and to those routing to Services whose BackendTLSPolicy names it.
   */
  private Set<ResourceID> gatewaysOfCaBundle(String key) {
    Set<ResourceID> out =
        new HashSet<>(
            gatewaysWhere(
                g -> dev.gantry.operator.input.TlsInputs.frontendCaRefs(g).contains(key)));
    if (caches.backendTlsPolicies != null) {
      for (BackendTLSPolicy p : caches.backendTlsPolicies.list().toList()) {
        if (dev.gantry.operator.input.TlsInputs.policyCaRefs(p).contains(key)) {
          out.addAll(gatewaysOfServices(dev.gantry.operator.input.TlsInputs.targetServices(p)));
        }
      }
    }
    return out;
  }

  private static <T extends HasMetadata> boolean generationChanged(T newObj, T oldObj) {
    return !Objects.equals(
            newObj.getMetadata().getGeneration(), oldObj.getMetadata().getGeneration())
        || newObj.getMetadata().getDeletionTimestamp() != null;
  }

  private static boolean ownedByGateway(Service s) {
    return s.getMetadata().getOwnerReferences() != null
        && s.getMetadata().getOwnerReferences().stream()
            .anyMatch(o -> "Gateway".equals(o.getKind()) && Boolean.TRUE.equals(o.getController()));
  }

  /** A fleet Service maps to its owning Gateway; a backend Service to its routes' Gateways. */
  private Set<ResourceID> gatewaysOfService(Service s) {
    Set<ResourceID> out = new HashSet<>();
    if (s.getMetadata().getOwnerReferences() != null) {
      s.getMetadata().getOwnerReferences().stream()
          .filter(o -> "Gateway".equals(o.getKind()) && Boolean.TRUE.equals(o.getController()))
          .forEach(o -> out.add(new ResourceID(o.getName(), s.getMetadata().getNamespace())));
    }
    if (caches.routes != null) {
      for (HTTPRoute r : caches.httpRoutesToService(ObjectKeys.key(s))) {
        out.addAll(toIds(ObjectKeys.gatewaysOf(r, GatewayApiTranslator.CONTROLLER_NAME)));
      }
    }
    return out;
  }

  /**
   * The Gateways the policy targets, directly or through its routes; a policy whose targets lead
   * nowhere goes to every Gateway, since each translation includes it to report TargetNotFound (see
   * {@link dev.gantry.operator.input.GatewayInputs}). The Gateways a re-targeted policy left are
   * reconciled by {@link RateLimitPolicyEventSource}.
   */
  private Set<ResourceID> gatewaysOfPolicy(RateLimitPolicy p) {
    return policyGateways(
        () -> PolicyTargets.gatewaysOf(p, caches, GatewayApiTranslator.CONTROLLER_NAME));
  }

  /** Any policy kind: the Gateways its targets lead to, or every Gateway when they lead nowhere. */
  private Set<ResourceID> policyGateways(java.util.function.Supplier<Set<String>> targets) {
    if (caches.gateways == null || caches.routes == null) {
      return Set.of();
    }
    Set<String> keys = targets.get();
    return keys.isEmpty() ? gatewaysWhere(x -> true) : toIds(keys);
  }

  private Set<ResourceID> gatewaysOfProxyConfig(GantryProxyConfig c) {
    String ns = c.getMetadata().getNamespace();
    String name = c.getMetadata().getName();
    Set<String> classes = new HashSet<>();
    if (caches.gatewayClasses != null) {
      caches
          .gatewayClasses
          .list()
          .forEach(
              gc -> {
                var ref = gc.getSpec() == null ? null : gc.getSpec().getParametersRef();
                if (ref != null
                    && GantryProxyConfig.KIND.equals(ref.getKind())
                    && name.equals(ref.getName())
                    && ns.equals(ref.getNamespace())) {
                  classes.add(gc.getMetadata().getName());
                }
              });
    }
    return gatewaysWhere(
        g -> {
          if (g.getSpec() == null) {
            return false;
          }
          var infra = g.getSpec().getInfrastructure();
          boolean direct =
              infra != null
                  && infra.getParametersRef() != null
                  && GantryProxyConfig.KIND.equals(infra.getParametersRef().getKind())
                  && name.equals(infra.getParametersRef().getName())
                  && ns.equals(g.getMetadata().getNamespace());
          return direct || classes.contains(g.getSpec().getGatewayClassName());
        });
  }

  private Set<ResourceID> gatewaysWhere(java.util.function.Predicate<Gateway> p) {
    if (caches.gateways == null) {
      return Set.of();
    }
    return caches
        .gateways
        .list()
        .filter(p)
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  private static Set<ResourceID> toIds(Set<String> gatewayKeys) {
    List<ResourceID> ids = new ArrayList<>();
    for (String k : gatewayKeys) {
      String[] nsName = k.split("/", 2);
      ids.add(new ResourceID(nsName[1], nsName[0]));
    }
    return Set.copyOf(ids);
  }
}
