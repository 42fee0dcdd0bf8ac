package dev.gantry.translator.ratelimit;

import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.routing.PolicyRef;
import dev.gantry.model.routing.RateLimit;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.routing.Rule;
import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.gateway.GatewayContext;
import dev.gantry.translator.policy.PolicyAncestors;
import dev.gantry.translator.policy.PolicyAncestors.Outcome;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.support.Names;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * GEP-713 attachment of RateLimitPolicies: resolves each targetRef (a Gateway, optionally one
 * listener; an HTTPRoute, optionally one rule), settles conflicts (two policies on the same target:
 * the older creationTimestamp wins, then namespace/name; the other gets {@code
 * Accepted=False/Conflicted}), adds the accepted ones to the routing part of every ancestor
 * Gateway's snapshot, and computes {@code status.ancestors}. A Gateway-level and a route-level
 * policy are different targets, so both apply to a request.
 */
public final class RateLimitPolicyTranslator {
  public static final String REASON_CONFLICTED = PolicyAncestors.REASON_CONFLICTED;
  public static final String REASON_TARGET_NOT_FOUND = PolicyAncestors.REASON_TARGET_NOT_FOUND;
  public static final String REASON_INVALID = PolicyAncestors.REASON_INVALID;

  /** Conditions the operator decides from proxy ACKs; the translator carries them over. */
  private static final Set<String> OPERATOR_CONDITIONS = Set.of("Enforced");

  private final RateLimitPolicyValidator validator = new RateLimitPolicyValidator();

  /**
   * The name an accepted policy's limits carry in the routing part ({@code
   * ratelimitpolicy/<ns>/<name>}): the operator looks for it to tell whether a routing version
   * contains the policy.
   */
  public static String modelName(RateLimitPolicy policy) {
    return RateLimitPolicyValidator.modelName(policy);
  }

  /** A policy to add to one Gateway's snapshot, with where it attaches. */
  private record Attach(RateLimit rateLimit, String kind, String ns, String name, String section) {}

  /**
   * Adds the accepted policies to {@code snapshots} (replacing each affected snapshot) and returns
   * every policy with its computed status, sorted by namespace/name.
   */
  public List<RateLimitPolicy> translate(
      List<RateLimitPolicy> policies,
      Map<String, GatewayContext> gateways,
      List<HTTPRoute> routes,
      SortedMap<String, GatewaySnapshot> snapshots,
      Instant now) {
    Map<String, HTTPRoute> routesByKey = new HashMap<>();
    for (HTTPRoute r : routes) {
      routesByKey.put(Names.key(r), r);
    }
    List<RateLimitPolicy> ordered = new ArrayList<>(policies);
    ordered.sort(PolicyAncestors.ESTABLISHED_FIRST);
    Map<String, String> claimedBy = new HashMap<>();
    Map<String, List<Attach>> attachByGateway = new TreeMap<>();
    Map<RateLimitPolicy, List<Outcome>> outcomes = new LinkedHashMap<>();
    Map<RateLimitPolicy, List<String>> invalid = new HashMap<>();
    for (RateLimitPolicy policy : ordered) {
      RateLimitPolicyValidator.Result valid = validator.validate(policy);
      String ns = policy.getMetadata().getNamespace();
      List<Outcome> results = new ArrayList<>();
      List<LocalPolicyTargetReferenceWithSectionName> refs =
          policy.getSpec() == null || policy.getSpec().targetRefs() == null
              ? List.of()
              : policy.getSpec().targetRefs();
      for (int t = 0; t < refs.size(); t++) {
        Outcome o = resolve(ns, refs.get(t), t, gateways, routesByKey);
        if (o.ok() && valid.rateLimit() != null) {
          String target =
              o.ref().getKind()
                  + "/"
                  + ns
                  + "/"
                  + o.ref().getName()
                  + (Names.orEmpty(o.ref().getSectionName()).isEmpty()
                      ? ""
                      : "/" + o.ref().getSectionName());
          String holder = claimedBy.putIfAbsent(target, RateLimitPolicyValidator.modelName(policy));
          if (holder != null) {
            o = o.conflicted(t, target, holder);
          } else {
            for (String gw : o.ancestors()) {
              attachByGateway
                  .computeIfAbsent(gw, k -> new ArrayList<>())
                  .add(
                      new Attach(
                          valid.rateLimit(),
                          o.ref().getKind(),
                          ns,
                          o.ref().getName(),
                          o.ref().getSectionName()));
            }
          }
        }
        results.add(o);
      }
      outcomes.put(policy, results);
      if (valid.rateLimit() == null) {
        invalid.put(policy, valid.errors());
      }
    }
    attachByGateway.forEach(
        (gw, attaches) -> {
          GatewaySnapshot s = snapshots.get(gw);
          if (s != null) {
            snapshots.put(gw, withRateLimits(s, attaches));
          }
        });
    List<RateLimitPolicy> out = new ArrayList<>();
    for (var e : outcomes.entrySet()) {
      out.add(withStatus(e.getKey(), e.getValue(), invalid.get(e.getKey()), now));
    }
    out.sort(PolicyAncestors.BY_NAMESPACE_AND_NAME);
    return out;
  }

  private static Outcome resolve(
      String ns,
      LocalPolicyTargetReferenceWithSectionName ref,
      int t,
      Map<String, GatewayContext> gateways,
      Map<String, HTTPRoute> routes) {
    String at = "spec.targetRefs[" + t + "]";
    String section = ref.getSectionName();
    String key = ns + "/" + ref.getName();
    if ("Gateway".equals(ref.getKind()) && Names.GATEWAY_GROUP.equals(ref.getGroup())) {
      GatewayContext gw = gateways.get(key);
      if (gw == null) {
        return PolicyAncestors.notFound(
            ref, List.of(), at, "Gateway " + key, "a Gateway of a Gantry GatewayClass");
      }
      if (section != null && !section.isEmpty()) {
        List<io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener> listeners =
            gw.gateway().getSpec().getListeners() == null
                ? List.of()
                : gw.gateway().getSpec().getListeners();
        if (listeners.stream().noneMatch(l -> section.equals(l.getName()))) {
          return PolicyAncestors.notFound(
              ref, List.of(key), at + ".sectionName", section, "a listener of Gateway " + key);
        }
      }
      return Outcome.attached(ref, List.of(key));
    }
    if ("HTTPRoute".equals(ref.getKind()) && Names.GATEWAY_GROUP.equals(ref.getGroup())) {
      HTTPRoute route = routes.get(key);
      if (route == null) {
        return PolicyAncestors.notFound(
            ref, List.of(), at, "HTTPRoute " + key, "an HTTPRoute attached to a Gantry Gateway");
      }
      List<String> ancestors = ancestors(route);
      if (section != null && !section.isEmpty()) {
        List<HTTPRouteRule> rules =
            route.getSpec() == null || route.getSpec().getRules() == null
                ? List.of()
                : route.getSpec().getRules();
        if (rules.stream().noneMatch(r -> section.equals(r.getName()))) {
          return PolicyAncestors.notFound(
              ref,
              ancestors,
              at + ".sectionName",
              section,
              "the name of a rule of HTTPRoute " + key);
        }
      }
      return Outcome.attached(ref, ancestors);
    }
    // Wrong group or kind: the validator reports it; the policy is Invalid.
    return Outcome.attached(ref, List.of());
  }

  /** The Gantry Gateways that accepted the route. */
  private static List<String> ancestors(HTTPRoute route) {
    List<String> out = new ArrayList<>();
    if (route.getStatus() == null || route.getStatus().getParents() == null) {
      return out;
    }
    for (RouteParentStatus p : route.getStatus().getParents()) {
      boolean accepted =
          p.getConditions() != null
              && p.getConditions().stream()
                  .anyMatch(
                      c ->
                          Conditions.ACCEPTED.equals(c.getType())
                              && Conditions.TRUE.equals(c.getStatus()));
      ParentReference ref = p.getParentRef();
      if (GatewayApiTranslator.CONTROLLER_NAME.equals(p.getControllerName())
          && accepted
          && ref != null
          && (ref.getKind() == null || "Gateway".equals(ref.getKind()))) {
        String ns =
            ref.getNamespace() == null ? route.getMetadata().getNamespace() : ref.getNamespace();
        String key = ns + "/" + ref.getName();
        if (!out.contains(key)) {
          out.add(key);
        }
      }
    }
    return out;
  }

  private static GatewaySnapshot withRateLimits(GatewaySnapshot s, List<Attach> attaches) {
    RoutingConfig routing = s.routing();
    TreeMap<String, RateLimit> limits = new TreeMap<>();
    List<dev.gantry.model.routing.Listener> listeners = new ArrayList<>();
    for (dev.gantry.model.routing.Listener l : routing.listeners()) {
      List<PolicyRef> refs = new ArrayList<>(l.policies());
      for (Attach a : attaches) {
        if ("Gateway".equals(a.kind())
            && (a.section() == null || a.section().isEmpty() || a.section().equals(l.name()))) {
          refs.add(new PolicyRef(RateLimit.KIND, a.rateLimit().name()));
          limits.put(a.rateLimit().name(), a.rateLimit());
        }
      }
      listeners.add(refs.equals(l.policies()) ? l : l.withPolicies(refs));
    }
    List<Rule> rules = new ArrayList<>();
    for (Rule r : routing.rules()) {
      List<PolicyRef> refs = new ArrayList<>(r.policies());
      for (Attach a : attaches) {
        if ("HTTPRoute".equals(a.kind())
            && r.source() != null
            && "HTTPRoute".equals(r.source().kind())
            && a.ns().equals(r.source().namespace())
            && a.name().equals(r.source().name())
            && (a.section() == null
                || a.section().isEmpty()
                || a.section().equals(r.source().section()))) {
          refs.add(new PolicyRef(RateLimit.KIND, a.rateLimit().name()));
          limits.put(a.rateLimit().name(), a.rateLimit());
        }
      }
      rules.add(refs.equals(r.policies()) ? r : r.withPolicies(refs));
    }
    RoutingConfig next =
        RoutingConfig.of(listeners, rules, routing.clusters(), new ArrayList<>(limits.values()));
    return GatewaySnapshot.of(s.gateway(), next, s.endpoints(), s.secrets());
  }

  private static RateLimitPolicy withStatus(
      RateLimitPolicy policy, List<Outcome> outcomes, List<String> invalid, Instant now) {
    RateLimitPolicy copy = new RateLimitPolicy();
    copy.setApiVersion(policy.getApiVersion());
    copy.setKind(policy.getKind());
    copy.setMetadata(policy.getMetadata());
    copy.setSpec(policy.getSpec());
    copy.setStatus(
        PolicyAncestors.status(
            policy, policy.getStatus(), outcomes, invalid, now, OPERATOR_CONDITIONS));
    return copy;
  }
}
