package dev.gantry.translator.ratelimit;

import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.routing.PolicyRef;
import dev.gantry.model.routing.RateLimit;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.routing.Rule;
import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.gateway.GatewayContext;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.status.ConditionsBuilder;
import dev.gantry.translator.support.Names;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  public static final String REASON_CONFLICTED = "Conflicted";
  public static final String REASON_TARGET_NOT_FOUND = "TargetNotFound";
  public static final String REASON_INVALID = "Invalid";

  private static final Comparator<RateLimitPolicy> ESTABLISHED_FIRST =
      Comparator.comparing(
              (RateLimitPolicy p) -> Names.orEmpty(p.getMetadata().getCreationTimestamp()))
          .thenComparing(p -> p.getMetadata().getNamespace())
          .thenComparing(p -> p.getMetadata().getName());

  private final RateLimitPolicyValidator validator = new RateLimitPolicyValidator();

  /**
   * The name an accepted policy's limits carry in the routing part ({@code
   * ratelimitpolicy/<ns>/<name>}): the operator looks for it to tell whether a routing version
   * contains the policy.
   */
  public static String modelName(RateLimitPolicy policy) {
    return RateLimitPolicyValidator.modelName(policy);
  }

  /** One targetRef's fate; {@code ancestors} are Gateway keys ns/name. */
  private record TargetOutcome(
      LocalPolicyTargetReferenceWithSectionName ref,
      List<String> ancestors,
      String reason,
      String message) {
    boolean ok() {
      return reason == null;
    }
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
    ordered.sort(ESTABLISHED_FIRST);
    Map<String, String> claimedBy = new HashMap<>();
    Map<String, List<Attach>> attachByGateway = new TreeMap<>();
    Map<RateLimitPolicy, List<TargetOutcome>> outcomes = new LinkedHashMap<>();
    Map<RateLimitPolicy, List<String>> invalid = new HashMap<>();
    for (RateLimitPolicy policy : ordered) {
      RateLimitPolicyValidator.Result valid = validator.validate(policy);
      String ns = policy.getMetadata().getNamespace();
      List<TargetOutcome> results = new ArrayList<>();
      List<LocalPolicyTargetReferenceWithSectionName> refs =
          policy.getSpec() == null || policy.getSpec().targetRefs() == null
              ? List.of()
              : policy.getSpec().targetRefs();
      for (int t = 0; t < refs.size(); t++) {
        TargetOutcome o = resolve(ns, refs.get(t), t, gateways, routesByKey);
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
            o =
                new TargetOutcome(
                    o.ref(),
                    o.ancestors(),
                    REASON_CONFLICTED,
                    "spec.targetRefs["
                        + t
                        + "]: "
                        + target
                        + " (expected: a target no older policy claims; "
                        + holder
                        + " is older and wins)");
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
    out.sort(
        Comparator.comparing((RateLimitPolicy p) -> p.getMetadata().getNamespace())
            .thenComparing(p -> p.getMetadata().getName()));
    return out;
  }

  private static TargetOutcome resolve(
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
        return notFound(ref, List.of(), at, "Gateway " + key, "a Gateway of a Gantry GatewayClass");
      }
      if (section != null && !section.isEmpty()) {
        List<io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener> listeners =
            gw.gateway().getSpec().getListeners() == null
                ? List.of()
                : gw.gateway().getSpec().getListeners();
        if (listeners.stream().noneMatch(l -> section.equals(l.getName()))) {
          return notFound(
              ref, List.of(key), at + ".sectionName", section, "a listener of Gateway " + key);
        }
      }
      return new TargetOutcome(ref, List.of(key), null, null);
    }
    if ("HTTPRoute".equals(ref.getKind()) && Names.GATEWAY_GROUP.equals(ref.getGroup())) {
      HTTPRoute route = routes.get(key);
      if (route == null) {
        return notFound(
            ref, List.of(), at, "HTTPRoute " + key, "an HTTPRoute attached to a Gantry Gateway");
      }
      List<String> ancestors = ancestors(route);
      if (section != null && !section.isEmpty()) {
        List<HTTPRouteRule> rules =
            route.getSpec() == null || route.getSpec().getRules() == null
                ? List.of()
                : route.getSpec().getRules();
        if (rules.stream().noneMatch(r -> section.equals(r.getName()))) {
          return notFound(
              ref,
              ancestors,
              at + ".sectionName",
              section,
              "the name of a rule of HTTPRoute " + key);
        }
      }
      return new TargetOutcome(ref, ancestors, null, null);
    }
    // Wrong group or kind: the validator reports it; the policy is Invalid.
    return new TargetOutcome(ref, List.of(), null, null);
  }

  private static TargetOutcome notFound(
      LocalPolicyTargetReferenceWithSectionName ref,
      List<String> ancestors,
      String field,
      String value,
      String expected) {
    return new TargetOutcome(
        ref,
        ancestors,
        REASON_TARGET_NOT_FOUND,
        field + ": " + value + " (expected: " + expected + ")");
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
      RateLimitPolicy policy, List<TargetOutcome> outcomes, List<String> invalid, Instant now) {
    // One ancestor entry per Gateway (or, for a target that does not exist, per target): the
    // worst outcome of the targets under it decides its Accepted condition.
    Map<String, ParentReference> refs = new LinkedHashMap<>();
    Map<String, List<TargetOutcome>> byAncestor = new LinkedHashMap<>();
    String ns = policy.getMetadata().getNamespace();
    for (TargetOutcome o : outcomes) {
      if (o.ancestors().isEmpty()) {
        String key = o.ref().getKind() + "/" + ns + "/" + o.ref().getName();
        refs.putIfAbsent(
            key,
            new ParentReferenceBuilder()
                .withGroup(o.ref().getGroup())
                .withKind(o.ref().getKind())
                .withNamespace(ns)
                .withName(o.ref().getName())
                .build());
        byAncestor.computeIfAbsent(key, k -> new ArrayList<>()).add(o);
      }
      for (String gw : o.ancestors()) {
        String[] parts = gw.split("/", 2);
        refs.putIfAbsent(
            gw,
            new ParentReferenceBuilder()
                .withGroup(Names.GATEWAY_GROUP)
                .withKind("Gateway")
                .withNamespace(parts[0])
                .withName(parts[1])
                .build());
        byAncestor.computeIfAbsent(gw, k -> new ArrayList<>()).add(o);
      }
    }
    List<PolicyAncestorStatus> previous =
        policy.getStatus() == null || policy.getStatus().getAncestors() == null
            ? List.of()
            : policy.getStatus().getAncestors();
    List<PolicyAncestorStatus> ancestors = new ArrayList<>();
    for (PolicyAncestorStatus p : previous) {
      if (!GatewayApiTranslator.CONTROLLER_NAME.equals(p.getControllerName())) {
        ancestors.add(p);
      }
    }
    for (var e : byAncestor.entrySet()) {
      ParentReference ref = refs.get(e.getKey());
      List<Condition> before =
          previous.stream()
              .filter(
                  p ->
                      GatewayApiTranslator.CONTROLLER_NAME.equals(p.getControllerName())
                          && ref.equals(p.getAncestorRef()))
              .findFirst()
              .map(PolicyAncestorStatus::getConditions)
              .orElse(null);
      ConditionsBuilder cb =
          new ConditionsBuilder(before, policy.getMetadata().getGeneration(), now);
      if (invalid != null) {
        cb.set(Conditions.ACCEPTED, false, REASON_INVALID, String.join("; ", invalid));
      } else {
        TargetOutcome worst = e.getValue().stream().filter(o -> !o.ok()).findFirst().orElse(null);
        if (worst == null) {
          cb.set(
              Conditions.ACCEPTED,
              true,
              Conditions.REASON_ACCEPTED,
              "Policy is accepted and attached");
        } else {
          cb.set(Conditions.ACCEPTED, false, worst.reason(), worst.message());
        }
      }
      // Enforced stays with the operator (it knows which routing version the proxies ACKed);
      // keep what it last wrote so a translation does not erase it.
      if (before != null) {
        before.stream()
            .filter(c -> "Enforced".equals(c.getType()))
            .findFirst()
            .ifPresent(
                c ->
                    cb.set(
                        "Enforced",
                        Conditions.TRUE.equals(c.getStatus()),
                        c.getReason(),
                        c.getMessage()));
      }
      ancestors.add(
          new PolicyAncestorStatusBuilder()
              .withAncestorRef(ref)
              .withControllerName(GatewayApiTranslator.CONTROLLER_NAME)
              .withConditions(cb.build())
              .build());
    }
    RateLimitPolicy copy = new RateLimitPolicy();
    copy.setApiVersion(policy.getApiVersion());
    copy.setKind(policy.getKind());
    copy.setMetadata(policy.getMetadata());
    copy.setSpec(policy.getSpec());
    PolicyStatus status = new PolicyStatus();
    status.setAncestors(ancestors.size() > 16 ? ancestors.subList(0, 16) : ancestors);
    copy.setStatus(status);
    return copy;
  }
}
