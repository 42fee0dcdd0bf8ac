package dev.gantry.proxy.standalone;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.TranslationResult;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the statuses the translator computed the way a user reads {@code kubectl get}: every
 * condition that says something is wrong becomes one line naming the object, the condition, its
 * reason and message.
 *
 * <p>Positive-polarity conditions (Accepted, ResolvedRefs, Programmed) are problems when not True;
 * negative-polarity ones (Conflicted, PartiallyInvalid, OverlappingTLSConfig) when True.
 */
public final class StatusCheck {

  private static final Set<String> POSITIVE = Set.of("Accepted", "ResolvedRefs", "Programmed");
  private static final Set<String> NEGATIVE =
      Set.of("Conflicted", "PartiallyInvalid", "OverlappingTLSConfig");

  private StatusCheck() {}

  public static List<String> problems(TranslationResult result) {
    List<String> out = new ArrayList<>();
    for (GatewayClass gc : result.gatewayClasses()) {
      if (gc.getStatus() != null) {
        check(out, ref(gc), gc.getStatus().getConditions());
      }
    }
    for (Gateway gw : result.gateways()) {
      if (gw.getStatus() == null) {
        continue;
      }
      check(out, ref(gw), gw.getStatus().getConditions());
      if (gw.getStatus().getListeners() != null) {
        for (ListenerStatus ls : gw.getStatus().getListeners()) {
          check(out, ref(gw) + " listener " + ls.getName(), ls.getConditions());
        }
      }
    }
    for (HTTPRoute route : result.httpRoutes()) {
      if (route.getStatus() == null || route.getStatus().getParents() == null) {
        continue;
      }
      for (RouteParentStatus ps : route.getStatus().getParents()) {
        if (!GatewayApiTranslator.CONTROLLER_NAME.equals(ps.getControllerName())) {
          continue;
        }
        String parent = ps.getParentRef() == null ? "?" : ps.getParentRef().getName();
        if (ps.getParentRef() != null && ps.getParentRef().getSectionName() != null) {
          parent += "#" + ps.getParentRef().getSectionName();
        }
        check(out, ref(route) + " parent " + parent, ps.getConditions());
      }
    }
    List<Map.Entry<HasMetadata, PolicyStatus>> policies = new ArrayList<>();
    for (RateLimitPolicy p : result.rateLimitPolicies()) {
      policies.add(new AbstractMap.SimpleEntry<>(p, p.getStatus()));
    }
    for (BackendPolicy p : result.backendPolicies()) {
      policies.add(new AbstractMap.SimpleEntry<>(p, p.getStatus()));
    }
    for (Map.Entry<HasMetadata, PolicyStatus> e : policies) {
      HasMetadata policy = e.getKey();
      if (e.getValue() == null || e.getValue().getAncestors() == null) {
        continue;
      }
      for (PolicyAncestorStatus as : e.getValue().getAncestors()) {
        if (!GatewayApiTranslator.CONTROLLER_NAME.equals(as.getControllerName())) {
          continue;
        }
        String ancestor =
            as.getAncestorRef() == null
                ? "?"
                : as.getAncestorRef().getKind() + " " + as.getAncestorRef().getName();
        check(out, ref(policy) + " ancestor " + ancestor, as.getConditions());
      }
    }
    return out;
  }

  private static void check(List<String> out, String subject, List<Condition> conditions) {
    if (conditions == null) {
      return;
    }
    for (Condition c : conditions) {
      boolean bad =
          (POSITIVE.contains(c.getType()) && !"True".equals(c.getStatus()))
              || (NEGATIVE.contains(c.getType()) && "True".equals(c.getStatus()));
      if (bad) {
        out.add(
            subject
                + ": "
                + c.getType()
                + "="
                + c.getStatus()
                + " ("
                + c.getReason()
                + ")"
                + (c.getMessage() == null || c.getMessage().isEmpty()
                    ? ""
                    : ": " + c.getMessage()));
      }
    }
  }

  private static String ref(HasMetadata o) {
    String ns = o.getMetadata().getNamespace();
    return o.getKind() + "/" + (ns == null ? "" : ns + "/") + o.getMetadata().getName();
  }
}
