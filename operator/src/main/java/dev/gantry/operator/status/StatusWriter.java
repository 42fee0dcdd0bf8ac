package dev.gantry.operator.status;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.operator.input.ObjectKeys;
import dev.gantry.operator.input.ResourceCaches;
import dev.gantry.operator.stream.ProxyAcks;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicyBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatusBuilder;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The one place that writes {@code .status}: GatewayClasses, Gateways, our entries of HTTPRoute
 * {@code status.parents} and of RateLimitPolicy, BackendPolicy and BackendTLSPolicy {@code
 * status.ancestors}.
 *
 * <p>It keeps the last computed (desired) statuses, so that it can write them again when this
 * replica becomes leader or when proxies ACK, and writes an object only if the desired status
 * differs from the live one ignoring list order, after carrying over unchanged conditions'
 * transition times. Writes are PUTs of the status subresource with the live resourceVersion: a
 * conflict means our view was stale, so the object is re-read and compared again rather than
 * overwritten.
 *
 * <p>Gateway {@code Programmed} is decided here, from the proxies' ACKs of the current routing
 * version; the translator's Programmed is kept only when it is False (an invalid Gateway).
 */
public final class StatusWriter {

  private static final System.Logger LOG = System.getLogger(StatusWriter.class.getName());

  /** How long a new routing version may be un-ACKed before Programmed says Pending. */
  public static final Duration ACK_GRACE = Duration.ofSeconds(2);

  /** The result of a Gateway flush: done, or to be retried once proxies had time to ACK. */
  public enum Flush {
    DONE,
    RETRY_LATER
  }

  /**
   * What the last translation decided for one Gateway.
   *
   * @param policies the RateLimitPolicies of its input with their computed status
   * @param routingVersion the routing version published for it (null if none)
   * @param rateLimits the names of the rate limits that routing version carries
   * @param backendPolicies the BackendPolicies of its input with their computed status
   * @param backendTlsPolicies the BackendTLSPolicies of its input with their computed status
   */
  public record DesiredGateway(
      Gateway gateway,
      List<HTTPRoute> routes,
      List<GatewayStatusAddress> addresses,
      List<RateLimitPolicy> policies,
      String routingVersion,
      Set<String> rateLimits,
      List<BackendPolicy> backendPolicies,
      List<BackendTLSPolicy> backendTlsPolicies) {

    public DesiredGateway {
      policies = policies == null ? List.of() : policies;
      rateLimits = rateLimits == null ? Set.of() : rateLimits;
      backendPolicies = backendPolicies == null ? List.of() : backendPolicies;
      backendTlsPolicies = backendTlsPolicies == null ? List.of() : backendTlsPolicies;
    }

    /** A Gateway without BackendTLSPolicies. */
    public DesiredGateway(
        Gateway gateway,
        List<HTTPRoute> routes,
        List<GatewayStatusAddress> addresses,
        List<RateLimitPolicy> policies,
        String routingVersion,
        Set<String> rateLimits,
        List<BackendPolicy> backendPolicies) {
      this(
          gateway,
          routes,
          addresses,
          policies,
          routingVersion,
          rateLimits,
          backendPolicies,
          List.of());
    }

    /** A Gateway without BackendPolicies. */
    public DesiredGateway(
        Gateway gateway,
        List<HTTPRoute> routes,
        List<GatewayStatusAddress> addresses,
        List<RateLimitPolicy> policies,
        String routingVersion,
        Set<String> rateLimits) {
      this(gateway, routes, addresses, policies, routingVersion, rateLimits, List.of(), List.of());
    }

    /** A Gateway without policies. */
    public DesiredGateway(
        Gateway gateway, List<HTTPRoute> routes, List<GatewayStatusAddress> addresses) {
      this(gateway, routes, addresses, List.of(), null, Set.of(), List.of(), List.of());
    }
  }

  /**
   * What the writer needs to know of one GEP-713 policy kind to write its {@code status.ancestors}.
   *
   * @param computed the policies of this kind in a Gateway's last translation
   * @param cached every policy of this kind in the informer cache
   * @param status reads an object's status: our CustomResources and the Gateway API's
   *     BackendTLSPolicy share {@link PolicyStatus} but no common type that declares it
   * @param withStatus the object to write: the live object with the given status
   * @param inRouting for kinds with an {@code Enforced} condition: whether the Gateway's published
   *     routing version contains the policy; {@code null} for kinds without one
   */
  private record PolicyKind<T extends HasMetadata>(
      Class<T> type,
      Function<DesiredGateway, List<T>> computed,
      java.util.function.Supplier<List<T>> cached,
      Function<T, PolicyStatus> status,
      java.util.function.BiFunction<T, PolicyStatus, T> withStatus,
      java.util.function.BiPredicate<DesiredGateway, T> inRouting) {}

  /** The live custom resource with {@code status} set, built on a fresh object of its class. */
  private static <S, T extends CustomResource<S, PolicyStatus>> T customResourceWithStatus(
      java.util.function.Supplier<T> blank, T live, PolicyStatus status) {
    T update = blank.get();
    update.setMetadata(live.getMetadata());
    update.setSpec(live.getSpec());
    update.setStatus(status);
    return update;
  }

  private final PolicyKind<RateLimitPolicy> rateLimitPolicies =
      new PolicyKind<>(
          RateLimitPolicy.class,
          DesiredGateway::policies,
          () -> caches().rateLimitPolicies(),
          RateLimitPolicy::getStatus,
          (live, status) -> customResourceWithStatus(RateLimitPolicy::new, live, status),
          (desired, p) ->
              desired
                  .rateLimits()
                  .contains(
                      dev.gantry.translator.ratelimit.RateLimitPolicyTranslator.modelName(p)));

  private final PolicyKind<BackendPolicy> backendPolicies =
      new PolicyKind<>(
          BackendPolicy.class,
          DesiredGateway::backendPolicies,
          () -> caches().backendPolicies(),
          BackendPolicy::getStatus,
          (live, status) -> customResourceWithStatus(BackendPolicy::new, live, status),
          null);

  private final PolicyKind<BackendTLSPolicy> backendTlsPolicies =
      new PolicyKind<>(
          BackendTLSPolicy.class,
          DesiredGateway::backendTlsPolicies,
          () -> caches().backendTlsPolicies(),
          BackendTLSPolicy::getStatus,
          (live, status) -> new BackendTLSPolicyBuilder(live).withStatus(status).build(),
          null);

  private record SeenVersion(String version, Instant at) {}

  /** Our last write of an object: its status, and the resourceVersion that write replaced. */
  private record Written(String status, String replacedVersion) {}

  private final KubernetesClient client;
  private final ResourceCaches caches;
  private final ProxyAcks acks;
  private final Leadership leadership;
  private final Function<String, String> routingVersions;
  private final Clock clock;
  private final String controllerName;
  private final Map<String, DesiredGateway> gateways = new ConcurrentHashMap<>();
  private final Map<String, GatewayClass> classes = new ConcurrentHashMap<>();
  private final Map<String, SeenVersion> seen = new ConcurrentHashMap<>();
  private final AtomicLong writes = new AtomicLong();
  private final Map<String, Written> written = new ConcurrentHashMap<>();

  public StatusWriter(
      KubernetesClient client,
      ResourceCaches caches,
      ProxyAcks acks,
      Leadership leadership,
      Function<String, String> routingVersions,
      Clock clock,
      String controllerName) {
    this.client = client;
    this.caches = caches;
    this.acks = acks;
    this.leadership = leadership;
    this.routingVersions = routingVersions;
    this.clock = clock;
    this.controllerName = controllerName;
  }

  /**
   * The caches, for the policy kinds' field initializers: a lambda there may not read the final
   * field before the constructor assigned it, a method call may (it runs later, at flush time).
   */
  private ResourceCaches caches() {
    return caches;
  }

  /** Status writes done by this writer since start (the scale benchmark reports it). */
  public long writes() {
    return writes.get();
  }

  public void gatewayTranslated(String gatewayKey, DesiredGateway desired) {
    gateways.put(gatewayKey, desired);
  }

  /**
   * The routing version proxies are being sent now, read from the snapshot store rather than kept
   * with the desired status: proxies ACK a new version as soon as it is published, possibly before
   * the reconcile that published it has handed its statuses over, and Programmed must be judged
   * against that new version, not the previous one. Also notes when a version was first seen, for
   * the ACK grace period.
   */
  private String currentRoutingVersion(String gatewayKey) {
    String version = routingVersions.apply(gatewayKey);
    if (version != null) {
      seen.compute(
          gatewayKey,
          (k, prev) ->
              prev != null && prev.version().equals(version)
                  ? prev
                  : new SeenVersion(version, clock.instant()));
    }
    return version;
  }

  public void gatewayDeleted(String gatewayKey) {
    gateways.remove(gatewayKey);
    seen.remove(gatewayKey);
    seen.remove("policy|" + gatewayKey);
  }

  public void gatewayClassTranslated(GatewayClass computed) {
    classes.put(computed.getMetadata().getName(), computed);
  }

  public void gatewayClassDeleted(String name) {
    classes.remove(name);
  }

  public java.util.Set<String> gatewayKeys() {
    return java.util.Set.copyOf(gateways.keySet());
  }

  public java.util.Set<String> gatewayClassNames() {
    return java.util.Set.copyOf(classes.keySet());
  }

  // ---------------------------------------------------------------------------------------------
  // GatewayClass

  public void flushGatewayClass(String name) {
    GatewayClass desired = classes.get(name);
    if (desired == null || !leadership.isLeader()) {
      return;
    }
    writeWithRetry(
        () -> caches.gatewayClass(name).orElse(null),
        () -> client.resources(GatewayClass.class).withName(name).get(),
        live -> {
          GatewayClassStatus status =
              desired.getStatus() == null ? new GatewayClassStatus() : desired.getStatus();
          GatewayClassStatus merged =
              new io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatusBuilder(status)
                  .withConditions(
                      Conditions.carryTransitionTimes(
                          status.getConditions(),
                          live.getStatus() == null ? null : live.getStatus().getConditions()))
                  .build();
          if (OrderInsensitive.same(merged, live.getStatus())) {
            return null;
          }
          return new GatewayClassBuilder(live).withStatus(merged).build();
        });
  }

  // ---------------------------------------------------------------------------------------------
  // Gateway and its routes

  public Flush flushGateway(String gatewayKey) {
    DesiredGateway desired = gateways.get(gatewayKey);
    if (desired == null || !leadership.isLeader()) {
      return Flush.DONE;
    }
    flushRoutes(gatewayKey, desired);
    boolean[] retry = new boolean[1];
    retry[0] = flushPolicies(gatewayKey, desired, rateLimitPolicies);
    retry[0] |= flushPolicies(gatewayKey, desired, backendPolicies);
    retry[0] |= flushPolicies(gatewayKey, desired, backendTlsPolicies);
    if (desired.gateway() == null) {
      return retry[0] ? Flush.RETRY_LATER : Flush.DONE;
    }
    String[] nsName = gatewayKey.split("/", 2);
    writeWithRetry(
        () -> caches.gateway(nsName[0], nsName[1]).orElse(null),
        () -> client.resources(Gateway.class).inNamespace(nsName[0]).withName(nsName[1]).get(),
        live -> {
          GatewayStatus status = desiredGatewayStatus(gatewayKey, desired, live);
          if (status == null) {
            retry[0] = true;
            return null;
          }
          if (OrderInsensitive.same(status, live.getStatus())) {
            return null;
          }
          return new GatewayBuilder(live).withStatus(status).build();
        });
    return retry[0] ? Flush.RETRY_LATER : Flush.DONE;
  }

  /** The Gateway status to write, or null to wait for ACKs within the grace period. */
  private GatewayStatus desiredGatewayStatus(
      String gatewayKey, DesiredGateway desired, Gateway live) {
    GatewayStatus computed =
        desired.gateway().getStatus() == null ? new GatewayStatus() : desired.gateway().getStatus();
    List<Condition> liveConditions =
        live.getStatus() == null ? null : live.getStatus().getConditions();
    List<Condition> conditions = computed.getConditions();
    Condition translated = Conditions.find(conditions, "Programmed");
    boolean translatorRejects = translated != null && "False".equals(translated.getStatus());
    String version = currentRoutingVersion(gatewayKey);
    if (!translatorRejects && version != null) {
      Condition programmed =
          programmedFromAcks(
              gatewayKey, version, live, Conditions.find(liveConditions, "Programmed"));
      if (programmed == null) {
        return null;
      }
      conditions = Conditions.replace(conditions, programmed);
    }
    GatewayStatusBuilder b =
        new GatewayStatusBuilder(computed)
            .withConditions(Conditions.carryTransitionTimes(conditions, liveConditions));
    if (desired.addresses() != null && !desired.addresses().isEmpty()) {
      b.withAddresses(desired.addresses());
    }
    if (computed.getListeners() != null && live.getStatus() != null) {
      b.withListeners(
          computed.getListeners().stream()
              .map(
                  l -> {
                    var liveListener =
                        live.getStatus().getListeners() == null
                            ? null
                            : live.getStatus().getListeners().stream()
                                .filter(x -> Objects.equals(x.getName(), l.getName()))
                                .findFirst()
                                .orElse(null);
                    return new io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatusBuilder(
                            l)
                        .withConditions(
                            Conditions.carryTransitionTimes(
                                l.getConditions(),
                                liveListener == null ? null : liveListener.getConditions()))
                        .build();
                  })
              .toList());
    }
    return b.build();
  }

  private Condition programmedFromAcks(
      String gatewayKey, String version, Gateway live, Condition liveProgrammed) {
    SeenVersion seenVersion = seen.get(gatewayKey);
    return ProgrammedCondition.decide(
            acks.routingProgress(gatewayKey, version),
            version,
            seenVersion != null && seenVersion.version().equals(version) ? seenVersion.at() : null,
            clock.instant(),
            ACK_GRACE,
            liveProgrammed,
            live.getMetadata().getGeneration())
        .orElse(null);
  }

  private void flushRoutes(String gatewayKey, DesiredGateway desired) {
    Map<String, HTTPRoute> computed = new LinkedHashMap<>();
    for (HTTPRoute r : desired.routes()) {
      computed.put(ObjectKeys.key(r), r);
    }
    // Routes attached now, and routes still carrying our entry for this Gateway (detached ones).
    List<String> keys = new ArrayList<>(computed.keySet());
    for (HTTPRoute r : caches.httpRoutesOf(gatewayKey)) {
      String k = ObjectKeys.key(r);
      if (!computed.containsKey(k)
          && ObjectKeys.gatewaysOf(r, controllerName).contains(gatewayKey)) {
        keys.add(k);
      }
    }
    for (String k : keys) {
      String[] nsName = k.split("/", 2);
      HTTPRoute c = computed.get(k);
      writeWithRetry(
          () -> caches.httpRoute(nsName[0], nsName[1]).orElse(null),
          () -> client.resources(HTTPRoute.class).inNamespace(nsName[0]).withName(nsName[1]).get(),
          live -> {
            HTTPRouteStatus merged = mergeParents(gatewayKey, c, live);
            HTTPRouteStatus liveStatus = live.getStatus();
            if (OrderInsensitive.same(merged, liveStatus)) {
              return null;
            }
            return new HTTPRouteBuilder(live).withStatus(merged).build();
          });
    }
  }

  /** The live parents, with exactly our entries for this Gateway replaced by the computed ones. */
  private HTTPRouteStatus mergeParents(String gatewayKey, HTTPRoute computed, HTTPRoute live) {
    String ns = live.getMetadata().getNamespace();
    List<RouteParentStatus> liveParents =
        live.getStatus() == null || live.getStatus().getParents() == null
            ? List.of()
            : live.getStatus().getParents();
    List<RouteParentStatus> out = new ArrayList<>();
    for (RouteParentStatus p : liveParents) {
      if (!isOursFor(p, gatewayKey, ns)) {
        out.add(p);
      }
    }
    if (computed != null
        && computed.getStatus() != null
        && computed.getStatus().getParents() != null) {
      for (RouteParentStatus p : computed.getStatus().getParents()) {
        if (!isOursFor(p, gatewayKey, ns)) {
          continue;
        }
        RouteParentStatus liveSame =
            liveParents.stream()
                .filter(
                    l ->
                        isOursFor(l, gatewayKey, ns)
                            && OrderInsensitive.same(l.getParentRef(), p.getParentRef()))
                .findFirst()
                .orElse(null);
        out.add(
            new RouteParentStatusBuilder(p)
                .withConditions(
                    Conditions.carryTransitionTimes(
                        p.getConditions(), liveSame == null ? null : liveSame.getConditions()))
                .build());
      }
    }
    return new HTTPRouteStatusBuilder().withParents(out).build();
  }

  private boolean isOursFor(RouteParentStatus p, String gatewayKey, String routeNamespace) {
    return controllerName.equals(p.getControllerName())
        && gatewayKey.equals(ObjectKeys.gatewayKey(p.getParentRef(), routeNamespace));
  }

  // ---------------------------------------------------------------------------------------------
  // GEP-713 policies (RateLimitPolicy, BackendPolicy, BackendTLSPolicy)

  /**
   * Writes our {@code status.ancestors} entries for this Gateway (and the entries of targets that
   * lead to no Gateway, which every translation of the policy computes alike) on the policies of
   * the last translation, and removes our entry for this Gateway from policies that no longer
   * concern it. Returns true when some Enforced verdict waits for ACKs within the grace period.
   */
  private <T extends HasMetadata> boolean flushPolicies(
      String gatewayKey, DesiredGateway desired, PolicyKind<T> kind) {
    Map<String, T> computed = new LinkedHashMap<>();
    for (T p : kind.computed().apply(desired)) {
      computed.put(ObjectKeys.key(p), p);
    }
    List<String> keys = new ArrayList<>(computed.keySet());
    for (T p : kind.cached().get()) {
      String k = ObjectKeys.key(p);
      PolicyStatus status = kind.status().apply(p);
      boolean carriesOurs =
          status != null
              && status.getAncestors() != null
              && status.getAncestors().stream()
                  .anyMatch(a -> isOursFor(a, gatewayKey, p.getMetadata().getNamespace()));
      if (!computed.containsKey(k) && carriesOurs) {
        keys.add(k);
      }
    }
    boolean[] retry = new boolean[1];
    for (String k : keys) {
      String[] nsName = k.split("/", 2);
      T c = computed.get(k);
      writeWithRetry(
          () -> cachedPolicy(kind, nsName[0], nsName[1]),
          () -> client.resources(kind.type()).inNamespace(nsName[0]).withName(nsName[1]).get(),
          live -> {
            PolicyStatus merged = mergeAncestors(gatewayKey, desired, kind, c, live);
            if (merged == null) {
              retry[0] = true;
              return null;
            }
            if (OrderInsensitive.same(merged, kind.status().apply(live))) {
              return null;
            }
            return kind.withStatus().apply(live, merged);
          });
    }
    return retry[0];
  }

  private static <T extends HasMetadata> T cachedPolicy(
      PolicyKind<T> kind, String namespace, String name) {
    return kind.cached().get().stream()
        .filter(
            p ->
                namespace.equals(p.getMetadata().getNamespace())
                    && name.equals(p.getMetadata().getName()))
        .findFirst()
        .orElse(null);
  }

  /**
   * The live ancestors with ours for this Gateway (and ours for missing targets) replaced by the
   * computed ones, Enforced decided from the ACKs for kinds that have it; null while an Enforced
   * verdict is in its grace period.
   */
  private <T extends HasMetadata> PolicyStatus mergeAncestors(
      String gatewayKey, DesiredGateway desired, PolicyKind<T> kind, T computed, T live) {
    String ns = live.getMetadata().getNamespace();
    PolicyStatus liveStatus = kind.status().apply(live);
    List<PolicyAncestorStatus> liveAncestors =
        liveStatus == null || liveStatus.getAncestors() == null
            ? List.of()
            : liveStatus.getAncestors();
    List<PolicyAncestorStatus> out = new ArrayList<>();
    for (PolicyAncestorStatus a : liveAncestors) {
      boolean replaced =
          isOursFor(a, gatewayKey, ns) || (computed != null && isOursForNoGateway(a, ns));
      if (!replaced) {
        out.add(a);
      }
    }
    PolicyStatus computedStatus = computed == null ? null : kind.status().apply(computed);
    if (computedStatus == null) {
      return new PolicyStatus(out);
    }
    List<PolicyAncestorStatus> ancestors =
        computedStatus.getAncestors() == null ? List.of() : computedStatus.getAncestors();
    for (PolicyAncestorStatus a : ancestors) {
      boolean forThisGateway = isOursFor(a, gatewayKey, ns);
      if (!forThisGateway && !isOursForNoGateway(a, ns)) {
        continue;
      }
      List<Condition> liveConditions =
          liveAncestors.stream()
              .filter(
                  l ->
                      controllerName.equals(l.getControllerName())
                          && OrderInsensitive.same(l.getAncestorRef(), a.getAncestorRef()))
              .findFirst()
              .map(PolicyAncestorStatus::getConditions)
              .orElse(null);
      List<Condition> conditions = new ArrayList<>();
      for (Condition cond : a.getConditions() == null ? List.<Condition>of() : a.getConditions()) {
        // Enforced is ours to decide from the ACKs; the translator only carries the old one over.
        if (!EnforcedCondition.TYPE.equals(cond.getType())) {
          conditions.add(cond);
        }
      }
      if (forThisGateway && kind.inRouting() != null) {
        Condition enforced =
            enforced(
                gatewayKey,
                desired,
                kind.inRouting().test(desired, computed),
                computed.getMetadata().getGeneration(),
                conditions,
                liveConditions);
        if (enforced == null) {
          return null;
        }
        conditions.add(enforced);
      }
      out.add(
          new PolicyAncestorStatusBuilder(a)
              .withConditions(Conditions.carryTransitionTimes(conditions, liveConditions))
              .build());
    }
    return new PolicyStatus(out);
  }

  private Condition enforced(
      String gatewayKey,
      DesiredGateway desired,
      boolean inRouting,
      Long generation,
      List<Condition> conditions,
      List<Condition> liveConditions) {
    Condition accepted = Conditions.find(conditions, "Accepted");
    String version = desired.routingVersion();
    // Note the version's first sighting for the grace period, as Programmed does.
    if (version != null) {
      seen.compute(
          "policy|" + gatewayKey,
          (k, prev) ->
              prev != null && prev.version().equals(version)
                  ? prev
                  : new SeenVersion(version, clock.instant()));
    }
    SeenVersion seenVersion = seen.get("policy|" + gatewayKey);
    return EnforcedCondition.decide(
            accepted != null && "True".equals(accepted.getStatus()),
            inRouting,
            acks.routingProgress(gatewayKey, version),
            version,
            seenVersion != null && seenVersion.version().equals(version) ? seenVersion.at() : null,
            clock.instant(),
            ACK_GRACE,
            Conditions.find(liveConditions, EnforcedCondition.TYPE),
            generation)
        .orElse(null);
  }

  private boolean isOursFor(PolicyAncestorStatus a, String gatewayKey, String policyNamespace) {
    return controllerName.equals(a.getControllerName())
        && gatewayKey.equals(ObjectKeys.gatewayKey(a.getAncestorRef(), policyNamespace));
  }

  /** Our entry for a target that leads to no Gateway (TargetNotFound): its ref is not a Gateway. */
  private boolean isOursForNoGateway(PolicyAncestorStatus a, String policyNamespace) {
    return controllerName.equals(a.getControllerName())
        && ObjectKeys.gatewayKey(a.getAncestorRef(), policyNamespace) == null;
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Computes the object to write from the cached live object; on a 409 the cache was stale, so the
   * object is read from the API server and the comparison is done again (once).
   */
  private <T extends io.fabric8.kubernetes.api.model.HasMetadata> void writeWithRetry(
      java.util.function.Supplier<T> cached,
      java.util.function.Supplier<T> fresh,
      Function<T, T> toWrite) {
    T live = cached.get();
    for (int attempt = 0; attempt < 3 && live != null; attempt++) {
      T update = toWrite.apply(live);
      if (update == null) {
        return;
      }
      String objectKey =
          update.getKind()
              + "/"
              + update.getMetadata().getNamespace()
              + "/"
              + update.getMetadata().getName();
      String status =
          OrderInsensitive.canonical(
              io.fabric8.kubernetes.client.utils.Serialization.jsonMapper()
                  .valueToTree(update)
                  .get("status"));
      String liveVersion = live.getMetadata().getResourceVersion();
      Written last = written.get(objectKey);
      if (last != null
          && last.status().equals(status)
          && Objects.equals(last.replacedVersion(), liveVersion)) {
        // The cache still shows the object as it was before our own write of this very status:
        // it lags, the object does not need writing again.
        return;
      }
      try {
        client.resource(update).updateStatus();
        writes.incrementAndGet();
        written.put(objectKey, new Written(status, liveVersion));
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          LOG.log(
              System.Logger.Level.WARNING,
              "status write of "
                  + update.getKind()
                  + " "
                  + update.getMetadata().getNamespace()
                  + "/"
                  + update.getMetadata().getName()
                  + " failed: "
                  + e.getMessage());
          return;
        }
        live = fresh.get();
      }
    }
  }
}
