package dev.gantry.translator;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.translator.backend.BackendRefResolver;
import dev.gantry.translator.backend.EndpointsTranslator;
import dev.gantry.translator.backendpolicy.BackendPolicyTranslator;
import dev.gantry.translator.gateway.GatewayClassTranslator;
import dev.gantry.translator.gateway.GatewayContext;
import dev.gantry.translator.gateway.GatewayStatusBuilder;
import dev.gantry.translator.gateway.GatewayTranslator;
import dev.gantry.translator.ratelimit.RateLimitPolicyTranslator;
import dev.gantry.translator.route.Attachment;
import dev.gantry.translator.route.CompiledRoute;
import dev.gantry.translator.route.HttpRouteTranslator;
import dev.gantry.translator.route.RouteAttacher;
import dev.gantry.translator.snapshot.SnapshotAssembler;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.status.ConditionsBuilder;
import dev.gantry.translator.support.ResourceIndex;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pure function at the heart of Gantry: Gateway API objects in, per-Gateway snapshots and
 * statuses out.
 *
 * <p>No client, no clock, no I/O: {@code now} is the only notion of time (used for {@code
 * lastTransitionTime} of conditions that changed), so the same input always gives the same output.
 * No exception escapes: a malformed object gets a condition naming it and the field at fault.
 */
public final class GatewayApiTranslator {

  /** The controllerName of the GatewayClasses Gantry serves. */
  public static final String CONTROLLER_NAME = "gantry.dev/gateway-controller";

  private final TranslationCache cache;

  public GatewayApiTranslator() {
    this(new TranslationCache());
  }

  /**
   * @param cache route translations and Gateway snapshots reused across calls (the operator
   *     translates again on every change); give each translator its own cache
   */
  public GatewayApiTranslator(TranslationCache cache) {
    this.cache = cache;
  }

  /**
   * Translates {@code resources}. Synchronized because the instance's {@link TranslationCache} is
   * shared by successive calls; translations are CPU-bound, so concurrent callers would gain
   * nothing from running side by side anyway.
   */
  public synchronized TranslationResult translate(ResourceSnapshot resources, Instant now) {
    ResourceIndex index = new ResourceIndex(resources);
    GatewayClassTranslator.Result classes =
        new GatewayClassTranslator().translate(resources.gatewayClasses(), now);

    GatewayTranslator gatewayTranslator = new GatewayTranslator(index);
    Map<String, GatewayContext> gateways = new LinkedHashMap<>();
    List<Gateway> brokenGateways = new ArrayList<>();
    for (Gateway gw : resources.gateways()) {
      if (gw.getSpec() == null
          || !classes.accepted().containsKey(gw.getSpec().getGatewayClassName())) {
        continue;
      }
      try {
        GatewayContext ctx =
            gatewayTranslator.translate(
                gw, classes.accepted().get(gw.getSpec().getGatewayClassName()));
        gateways.put(ctx.key(), ctx);
      } catch (RuntimeException e) {
        brokenGateways.add(gatewayFailure(gw, e, now));
      }
    }

    BackendRefResolver backends = new BackendRefResolver(index);
    HttpRouteTranslator routeTranslator = new HttpRouteTranslator(backends);
    RouteAttacher attacher = new RouteAttacher(gateways, index);
    Map<String, List<Attachment>> attachmentsByGateway = new HashMap<>();
    List<HTTPRoute> routes = new ArrayList<>();
    TranslationCache.Generation generation = cache.newGeneration(index);
    for (HTTPRoute route : resources.httpRoutes()) {
      try {
        if (!attacher.concernsUs(route)) {
          continue;
        }
        CompiledRoute compiled = generation.compile(route, backends, routeTranslator);
        List<Attachment> attachments = new ArrayList<>();
        routes.add(attacher.attach(compiled, now, attachments));
        for (Attachment a : attachments) {
          attachmentsByGateway.computeIfAbsent(a.gatewayKey(), k -> new ArrayList<>()).add(a);
        }
      } catch (RuntimeException e) {
        routes.add(routeFailure(route, e, now));
      }
    }

    SnapshotAssembler assembler =
        new SnapshotAssembler(backends.clusters(), new EndpointsTranslator(index));
    GatewayStatusBuilder statusBuilder = new GatewayStatusBuilder();
    TreeMap<String, GatewaySnapshot> snapshots = new TreeMap<>();
    List<Gateway> gatewayStatuses = new ArrayList<>(brokenGateways);
    for (GatewayContext ctx : gateways.values()) {
      try {
        if (ctx.accepted()) {
          List<Attachment> attachments = attachmentsByGateway.getOrDefault(ctx.key(), List.of());
          snapshots.put(
              ctx.key(),
              generation.snapshot(ctx, attachments, () -> assembler.assemble(ctx, attachments)));
        }
        gatewayStatuses.add(statusBuilder.build(ctx, now));
      } catch (RuntimeException e) {
        gatewayStatuses.add(gatewayFailure(ctx.gateway(), e, now));
      }
    }
    generation.finish();
    // Policies attach after the (cached) snapshots are assembled: a policy change never invalidates
    // the per-route translations, and a Gateway without policies keeps its cached snapshot as is.
    List<RateLimitPolicy> policies =
        new RateLimitPolicyTranslator()
            .translate(resources.rateLimitPolicies(), gateways, routes, snapshots, now);
    List<BackendPolicy> backendPolicies =
        new BackendPolicyTranslator()
            .translate(resources.backendPolicies(), resources.services(), snapshots, now);
    gatewayStatuses.sort(
        java.util.Comparator.comparing((Gateway g) -> g.getMetadata().getNamespace())
            .thenComparing(g -> g.getMetadata().getName()));
    return new TranslationResult(
        snapshots,
        new ArrayList<>(classes.classes().values()),
        gatewayStatuses,
        routes,
        policies,
        backendPolicies);
  }

  /**
   * Last line of defence: a bug or an input shape nobody foresaw must not take down the other
   * Gateways, so the object gets a condition naming it and the failure instead.
   */
  private static Gateway gatewayFailure(Gateway gw, RuntimeException e, Instant now) {
    ConditionsBuilder cb =
        new ConditionsBuilder(
            gw.getStatus() == null ? null : gw.getStatus().getConditions(),
            gw.getMetadata().getGeneration(),
            now);
    String msg =
        "Gateway/" + gw.getMetadata().getNamespace() + "/" + gw.getMetadata().getName() + ": " + e;
    cb.set(Conditions.ACCEPTED, false, Conditions.REASON_INVALID, msg);
    cb.set(Conditions.PROGRAMMED, false, Conditions.REASON_INVALID, msg);
    return new GatewayBuilder(gw)
        .withStatus(new GatewayStatus(List.of(), cb.build(), List.of()))
        .build();
  }

  private static HTTPRoute routeFailure(HTTPRoute route, RuntimeException e, Instant now) {
    List<RouteParentStatus> parents = new ArrayList<>();
    if (route.getStatus() != null && route.getStatus().getParents() != null) {
      for (RouteParentStatus p : route.getStatus().getParents()) {
        if (!CONTROLLER_NAME.equals(p.getControllerName())) {
          parents.add(p);
        }
      }
    }
    String msg =
        "HTTPRoute/"
            + route.getMetadata().getNamespace()
            + "/"
            + route.getMetadata().getName()
            + ": "
            + e;
    if (route.getSpec() != null && route.getSpec().getParentRefs() != null) {
      for (var ref : route.getSpec().getParentRefs()) {
        ConditionsBuilder cb =
            new ConditionsBuilder(null, route.getMetadata().getGeneration(), now);
        cb.set(Conditions.ACCEPTED, false, Conditions.REASON_UNSUPPORTED_VALUE, msg);
        parents.add(new RouteParentStatus(cb.build(), CONTROLLER_NAME, ref));
      }
    }
    return new HTTPRouteBuilder(route).withStatus(new HTTPRouteStatus(parents)).build();
  }
}
