package dev.gantry.operator.input;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code namespace/name} keys that tie objects together, with Gateway API's defaulting rules (a
 * parentRef's group defaults to gateway.networking.k8s.io, its kind to Gateway, its namespace to
 * the route's).
 */
public final class ObjectKeys {

  public static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

  private ObjectKeys() {}

  public static String key(HasMetadata o) {
    return key(o.getMetadata().getNamespace(), o.getMetadata().getName());
  }

  public static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /** The Gateway a parentRef points to, or null if it points to something else. */
  public static String gatewayKey(ParentReference ref, String routeNamespace) {
    if (ref == null || ref.getName() == null) {
      return null;
    }
    String group = ref.getGroup() == null ? GATEWAY_GROUP : ref.getGroup();
    String kind = ref.getKind() == null ? "Gateway" : ref.getKind();
    if (!GATEWAY_GROUP.equals(group) || !"Gateway".equals(kind)) {
      return null;
    }
    String ns = ref.getNamespace() == null ? routeNamespace : ref.getNamespace();
    return key(ns, ref.getName());
  }

  /**
   * The Gateways a route names in spec.parentRefs, plus those in status.parents written by {@code
   * controllerName}: a route that was detached must still reach the Gateway whose status entry has
   * to be removed.
   */
  public static Set<String> gatewaysOf(HTTPRoute route, String controllerName) {
    Set<String> out = new LinkedHashSet<>();
    String ns = route.getMetadata().getNamespace();
    if (route.getSpec() != null && route.getSpec().getParentRefs() != null) {
      for (ParentReference ref : route.getSpec().getParentRefs()) {
        String k = gatewayKey(ref, ns);
        if (k != null) {
          out.add(k);
        }
      }
    }
    if (route.getStatus() != null && route.getStatus().getParents() != null) {
      for (RouteParentStatus p : route.getStatus().getParents()) {
        if (controllerName.equals(p.getControllerName())) {
          String k = gatewayKey(p.getParentRef(), ns);
          if (k != null) {
            out.add(k);
          }
        }
      }
    }
    return out;
  }

  public static boolean routeReferences(HTTPRoute route, Gateway gateway, String controllerName) {
    return gatewaysOf(route, controllerName).contains(key(gateway));
  }
}
