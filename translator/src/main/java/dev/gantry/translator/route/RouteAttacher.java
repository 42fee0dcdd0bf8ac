package dev.gantry.translator.route;

import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.gateway.GatewayContext;
import dev.gantry.translator.gateway.ListenerContext;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.status.ConditionsBuilder;
import dev.gantry.translator.support.HostnameIntersection;
import dev.gantry.translator.support.InvalidValueException;
import dev.gantry.translator.support.LabelSelectors;
import dev.gantry.translator.support.Names;
import dev.gantry.translator.support.ResourceIndex;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Attaches a compiled HTTPRoute to the listeners its parentRefs select (sectionName, port,
 * allowedRoutes, hostname intersection), counts attachedRoutes, and writes the route's parent
 * statuses. Entries of other controllers in {@code status.parents} are kept untouched.
 */
public final class RouteAttacher {

  private final Map<String, GatewayContext> gateways;
  private final ResourceIndex index;

  public RouteAttacher(Map<String, GatewayContext> gateways, ResourceIndex index) {
    this.gateways = gateways;
    this.index = index;
  }

  /** True when a parentRef names one of our Gateways; other routes are none of our business. */
  public boolean concernsUs(HTTPRoute route) {
    if (route.getSpec() == null || route.getSpec().getParentRefs() == null) {
      return false;
    }
    for (ParentReference ref : route.getSpec().getParentRefs()) {
      if (gatewayOf(route, ref) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * Attaches the route and returns a copy with its status; {@code out} receives the attachments.
   */
  public HTTPRoute attach(CompiledRoute compiled, Instant now, List<Attachment> out) {
    HTTPRoute route = compiled.route();
    Long generation = route.getMetadata().getGeneration();
    List<RouteParentStatus> parents = new ArrayList<>();
    List<RouteParentStatus> previous =
        route.getStatus() == null || route.getStatus().getParents() == null
            ? List.of()
            : route.getStatus().getParents();
    for (RouteParentStatus p : previous) {
      if (!GatewayApiTranslator.CONTROLLER_NAME.equals(p.getControllerName())) {
        parents.add(p);
      }
    }
    List<ParentReference> refs = route.getSpec().getParentRefs();
    for (int k = 0; k < refs.size(); k++) {
      ParentReference ref = refs.get(k);
      GatewayContext gw = gatewayOf(route, ref);
      if (gw == null) {
        continue;
      }
      ConditionsBuilder cb =
          new ConditionsBuilder(previousConditions(previous, ref), generation, now);
      attachToGateway(compiled, "spec.parentRefs[" + k + "]", ref, gw, cb, out);
      if (compiled.problems().resolvedRefsReason() != null) {
        cb.set(
            Conditions.RESOLVED_REFS,
            false,
            compiled.problems().resolvedRefsReason(),
            compiled.problems().resolvedRefsMessage());
      } else {
        cb.set(
            Conditions.RESOLVED_REFS, true, Conditions.REASON_RESOLVED_REFS, "References resolved");
      }
      if (compiled.problems().anyDropped() && compiled.hasValidRules()) {
        cb.set(
            Conditions.PARTIALLY_INVALID,
            true,
            Conditions.REASON_UNSUPPORTED_VALUE,
            compiled.problems().droppedMessage());
      }
      parents.add(new RouteParentStatus(cb.build(), GatewayApiTranslator.CONTROLLER_NAME, ref));
    }
    return new HTTPRouteBuilder(route).withStatus(new HTTPRouteStatus(parents)).build();
  }

  private void attachToGateway(
      CompiledRoute compiled,
      String field,
      ParentReference ref,
      GatewayContext gw,
      ConditionsBuilder cb,
      List<Attachment> out) {
    List<ListenerContext> candidates = new ArrayList<>();
    for (ListenerContext l : gw.listeners()) {
      if ((ref.getSectionName() == null || ref.getSectionName().equals(l.name()))
          && (ref.getPort() == null || ref.getPort() == l.port())) {
        candidates.add(l);
      }
    }
    if (candidates.isEmpty()) {
      cb.set(
          Conditions.ACCEPTED,
          false,
          Conditions.REASON_NO_MATCHING_PARENT,
          field
              + ": sectionName "
              + ref.getSectionName()
              + ", port "
              + ref.getPort()
              + " (expected: a listener of Gateway "
              + gw.key()
              + ")");
      return;
    }
    List<ListenerContext> allowed = new ArrayList<>();
    boolean kindAllowed = false;
    for (ListenerContext l : candidates) {
      kindAllowed |= l.allowsHttpRoute();
      if (l.allowsHttpRoute() && namespaceAllowed(l, gw.namespace(), compiled.namespace())) {
        allowed.add(l);
      }
    }
    if (allowed.isEmpty()) {
      cb.set(
          Conditions.ACCEPTED,
          false,
          Conditions.REASON_NOT_ALLOWED_BY_LISTENERS,
          kindAllowed
              ? "No listener of Gateway "
                  + gw.key()
                  + " selected by "
                  + field
                  + " allows routes from namespace "
                  + compiled.namespace()
                  + " (allowedRoutes.namespaces)"
              : "No listener of Gateway "
                  + gw.key()
                  + " selected by "
                  + field
                  + " allows the kind HTTPRoute (allowedRoutes.kinds / protocol)");
      return;
    }
    Map<ListenerContext, List<String>> matched = new HashMap<>();
    List<ListenerContext> order = new ArrayList<>();
    for (ListenerContext l : allowed) {
      List<String> hosts = HostnameIntersection.effective(l.hostname(), compiled.hostnames());
      if (!hosts.isEmpty()) {
        matched.put(l, hosts);
        order.add(l);
      }
    }
    if (order.isEmpty()) {
      cb.set(
          Conditions.ACCEPTED,
          false,
          Conditions.REASON_NO_MATCHING_LISTENER_HOSTNAME,
          "spec.hostnames: "
              + compiled.hostnames()
              + " (expected: a hostname intersecting a listener hostname of Gateway "
              + gw.key()
              + ")");
      return;
    }
    if (!compiled.hasValidRules()) {
      cb.set(
          Conditions.ACCEPTED,
          false,
          compiled.problems().droppedReason(),
          compiled.problems().droppedMessage());
      return;
    }
    for (ListenerContext l : order) {
      // Two parentRefs may select the same listener (one by sectionName, one without): the route
      // is attached, and counted in attachedRoutes, once.
      if (out.stream().noneMatch(a -> a.listener() == l)) {
        l.attachRoute();
        out.add(new Attachment(compiled, gw.key(), l, matched.get(l)));
      }
    }
    cb.set(Conditions.ACCEPTED, true, Conditions.REASON_ACCEPTED, "Route is accepted");
  }

  private boolean namespaceAllowed(
      ListenerContext l, String gatewayNamespace, String routeNamespace) {
    switch (l.namespacesFrom()) {
      case "All":
        return true;
      case "Selector":
        if (l.namespaceSelector() == null) {
          return false;
        }
        Map<String, String> labels = new HashMap<>();
        Namespace ns = index.namespace(routeNamespace);
        if (ns != null && ns.getMetadata().getLabels() != null) {
          labels.putAll(ns.getMetadata().getLabels());
        }
        // The API server sets this label on every Namespace; tests and folders may omit it.
        labels.putIfAbsent("kubernetes.io/metadata.name", routeNamespace);
        try {
          return LabelSelectors.matches(
              l.field() + ".allowedRoutes.namespaces.selector", l.namespaceSelector(), labels);
        } catch (InvalidValueException e) {
          return false;
        }
      default:
        return Objects.equals(gatewayNamespace, routeNamespace);
    }
  }

  private GatewayContext gatewayOf(HTTPRoute route, ParentReference ref) {
    String group = Names.orDefault(ref.getGroup(), Names.GATEWAY_GROUP);
    String kind = Names.orDefault(ref.getKind(), "Gateway");
    if (!group.equals(Names.GATEWAY_GROUP) || !kind.equals("Gateway") || ref.getName() == null) {
      return null;
    }
    String ns = Names.orDefault(ref.getNamespace(), route.getMetadata().getNamespace());
    return gateways.get(ns + "/" + ref.getName());
  }

  private static List<io.fabric8.kubernetes.api.model.Condition> previousConditions(
      List<RouteParentStatus> previous, ParentReference ref) {
    for (RouteParentStatus p : previous) {
      if (GatewayApiTranslator.CONTROLLER_NAME.equals(p.getControllerName())
          && Objects.equals(p.getParentRef(), ref)) {
        return p.getConditions();
      }
    }
    return null;
  }
}
