package dev.gantry.operator.input;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.RateLimitPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which Gateways a policy concerns, from the caches. RateLimitPolicy: a Gateway target is itself,
 * an HTTPRoute target stands for the Gateways that route names (or whose status entry it still
 * carries). BackendPolicy: a Service target stands for the Gateways of every route that forwards or
 * mirrors to it. Used both to route a policy change to the Gateways to reconcile and to pick the
 * policies of one Gateway's translator input, so the two can never disagree.
 */
public final class PolicyTargets {

  private static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

  private PolicyTargets() {}

  /** {@code namespace/name} of every Gateway the policy's existing targets lead to. */
  public static Set<String> gatewaysOf(
      RateLimitPolicy policy, ResourceCaches caches, String controllerName) {
    Set<String> out = new LinkedHashSet<>();
    String ns = policy.getMetadata().getNamespace();
    for (LocalPolicyTargetReferenceWithSectionName ref : refs(policy)) {
      if (!GATEWAY_GROUP.equals(ref.getGroup()) || ref.getName() == null) {
        continue;
      }
      if ("Gateway".equals(ref.getKind())) {
        if (caches.gateway(ns, ref.getName()).isPresent()) {
          out.add(ObjectKeys.key(ns, ref.getName()));
        }
      } else if ("HTTPRoute".equals(ref.getKind())) {
        Optional<HTTPRoute> route = caches.httpRoute(ns, ref.getName());
        route.ifPresent(r -> out.addAll(ObjectKeys.gatewaysOf(r, controllerName)));
      }
    }
    return out;
  }

  /**
   * True when no target of the policy leads to any Gateway (every target is missing, or names a
   * route attached nowhere). Such a policy still needs a status ({@code TargetNotFound}), so it is
   * given to every Gateway's translation: they all compute the same entries for it.
   */
  public static boolean leadsNowhere(
      RateLimitPolicy policy, ResourceCaches caches, String controllerName) {
    return gatewaysOf(policy, caches, controllerName).isEmpty();
  }

  /** {@code namespace/name} of every Gateway whose routes use a Service the policy targets. */
  public static Set<String> gatewaysOf(
      BackendPolicy policy, ResourceCaches caches, String controllerName) {
    Set<String> out = new LinkedHashSet<>();
    for (String service : services(policy)) {
      for (HTTPRoute r : caches.httpRoutesToService(service)) {
        out.addAll(ObjectKeys.gatewaysOf(r, controllerName));
      }
    }
    return out;
  }

  /** {@code namespace/name} of every core Service the policy names (existing or not). */
  public static Set<String> services(BackendPolicy policy) {
    Set<String> out = new LinkedHashSet<>();
    if (policy.getSpec() == null || policy.getSpec().targetRefs() == null) {
      return out;
    }
    for (LocalPolicyTargetReferenceWithSectionName ref : policy.getSpec().targetRefs()) {
      boolean core = ref.getGroup() == null || ref.getGroup().isEmpty();
      if (core && "Service".equals(ref.getKind()) && ref.getName() != null) {
        out.add(ObjectKeys.key(policy.getMetadata().getNamespace(), ref.getName()));
      }
    }
    return out;
  }

  private static List<LocalPolicyTargetReferenceWithSectionName> refs(RateLimitPolicy policy) {
    return policy.getSpec() == null || policy.getSpec().targetRefs() == null
        ? List.of()
        : policy.getSpec().targetRefs();
  }
}
