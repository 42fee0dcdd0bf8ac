package dev.gantry.operator.input;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.translator.ResourceSnapshot;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the translator's input for one Gateway from the caches: its GatewayClass, itself, the
 * HTTPRoutes that attach to it, the Services (and their EndpointSlices) those routes forward or
 * mirror to, the Secrets its listeners reference, all ReferenceGrants and Namespaces, and the
 * RateLimitPolicies that target it or its routes and the BackendPolicies that target the Services
 * of its routes (plus, of both kinds, those whose targets lead to no Gateway at all, which need a
 * {@code TargetNotFound} status from some translation).
 *
 * <p>Scoping the input to one Gateway keeps a reconcile proportional to that Gateway's size rather
 * than the cluster's (5,000 routes on 50 Gateways means ~100 per reconcile, not 5,000).
 */
public final class GatewayInputs {

  private final ResourceCaches caches;
  private final String controllerName;

  public GatewayInputs(ResourceCaches caches, String controllerName) {
    this.caches = caches;
    this.controllerName = controllerName;
  }

  public ResourceSnapshot forGateway(Gateway gateway) {
    List<GatewayClass> classes =
        gateway.getSpec() == null || gateway.getSpec().getGatewayClassName() == null
            ? List.of()
            : caches.gatewayClass(gateway.getSpec().getGatewayClassName()).stream().toList();
    List<HTTPRoute> routes =
        caches.httpRoutesOf(ObjectKeys.key(gateway)).stream()
            .filter(r -> ObjectKeys.routeReferences(r, gateway, controllerName))
            .toList();

    Set<String> serviceKeys = new TreeSet<>();
    for (HTTPRoute r : routes) {
      serviceKeys.addAll(backendServices(r));
    }
    List<Service> services = new ArrayList<>();
    List<EndpointSlice> slices = new ArrayList<>();
    for (String k : serviceKeys) {
      String[] nsName = k.split("/", 2);
      caches.service(nsName[0], nsName[1]).ifPresent(services::add);
      slices.addAll(caches.endpointSlices(nsName[0], nsName[1]));
    }

    List<Secret> secrets = new ArrayList<>();
    for (String k : certificateSecrets(gateway)) {
      String[] nsName = k.split("/", 2);
      caches.secret(nsName[0], nsName[1]).ifPresent(secrets::add);
    }

    String key = ObjectKeys.key(gateway);
    List<RateLimitPolicy> policies =
        caches.rateLimitPolicies().stream()
            .filter(
                p -> {
                  var gateways = PolicyTargets.gatewaysOf(p, caches, controllerName);
                  return gateways.isEmpty() || gateways.contains(key);
                })
            .toList();

    List<BackendPolicy> backendPolicies =
        caches.backendPolicies().stream()
            .filter(
                p -> {
                  var gateways = PolicyTargets.gatewaysOf(p, caches, controllerName);
                  return gateways.isEmpty() || gateways.contains(key);
                })
            .toList();
    // A policy's Services must be in the input even when no route of this Gateway uses them, or
    // the translation would call an existing Service missing (TargetNotFound); their endpoints are
    // not needed.
    for (BackendPolicy p : backendPolicies) {
      for (String k : PolicyTargets.services(p)) {
        if (!serviceKeys.contains(k)) {
          String[] nsName = k.split("/", 2);
          caches.service(nsName[0], nsName[1]).ifPresent(services::add);
          serviceKeys.add(k);
        }
      }
    }

    return new ResourceSnapshot(
        classes,
        List.of(gateway),
        routes,
        caches.referenceGrants(),
        services,
        slices,
        secrets,
        caches.namespaces(),
        policies,
        backendPolicies);
  }

  /** {@code namespace/name} of every core Service a route forwards or mirrors to. */
  public static Set<String> backendServices(HTTPRoute route) {
    Set<String> out = new TreeSet<>();
    String ns = route.getMetadata().getNamespace();
    if (route.getSpec() == null || route.getSpec().getRules() == null) {
      return out;
    }
    for (HTTPRouteRule rule : route.getSpec().getRules()) {
      if (rule.getBackendRefs() != null) {
        for (HTTPBackendRef b : rule.getBackendRefs()) {
          addService(out, b.getGroup(), b.getKind(), b.getNamespace(), b.getName(), ns);
          mirrors(out, b.getFilters(), ns);
        }
      }
      mirrors(out, rule.getFilters(), ns);
    }
    return out;
  }

  private static void mirrors(Set<String> out, List<HTTPRouteFilter> filters, String ns) {
    if (filters == null) {
      return;
    }
    for (HTTPRouteFilter f : filters) {
      if (f.getRequestMirror() != null && f.getRequestMirror().getBackendRef() != null) {
        BackendObjectReference m = f.getRequestMirror().getBackendRef();
        addService(out, m.getGroup(), m.getKind(), m.getNamespace(), m.getName(), ns);
      }
    }
  }

  private static void addService(
      Set<String> out, String group, String kind, String namespace, String name, String routeNs) {
    boolean core = group == null || group.isEmpty();
    boolean service = kind == null || "Service".equals(kind);
    if (core && service && name != null) {
      out.add(ObjectKeys.key(namespace == null ? routeNs : namespace, name));
    }
  }

  /** {@code namespace/name} of every Secret a listener names as its certificate. */
  public static Set<String> certificateSecrets(Gateway gateway) {
    Set<String> out = new TreeSet<>();
    if (gateway.getSpec() == null || gateway.getSpec().getListeners() == null) {
      return out;
    }
    String ns = gateway.getMetadata().getNamespace();
    for (Listener l : gateway.getSpec().getListeners()) {
      if (l.getTls() == null || l.getTls().getCertificateRefs() == null) {
        continue;
      }
      for (SecretObjectReference ref : l.getTls().getCertificateRefs()) {
        boolean core = ref.getGroup() == null || ref.getGroup().isEmpty();
        boolean secret = ref.getKind() == null || "Secret".equals(ref.getKind());
        if (core && secret && ref.getName() != null) {
          out.add(
              ObjectKeys.key(ref.getNamespace() == null ? ns : ref.getNamespace(), ref.getName()));
        }
      }
    }
    return out;
  }
}
