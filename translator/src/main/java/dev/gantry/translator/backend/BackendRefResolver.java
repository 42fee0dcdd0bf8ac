package dev.gantry.translator.backend;

import dev.gantry.model.SourceRef;
import dev.gantry.model.routing.AppProtocol;
import dev.gantry.model.routing.Cluster;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.support.InvalidValueException;
import dev.gantry.translator.support.Names;
import dev.gantry.translator.support.ResourceIndex;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves a backendRef (or a mirror's backendRef) of an HTTPRoute to a cluster: kind, existence,
 * ReferenceGrant, Service port and appProtocol (GEP-1911). Failures carry the route status reason
 * the spec prescribes.
 */
public final class BackendRefResolver {

  private final ResourceIndex index;
  private final Map<String, ResolvedCluster> clusters = new ConcurrentHashMap<>();
  private List<ResolvedCluster> recording;

  public BackendRefResolver(ResourceIndex index) {
    this.index = index;
  }

  /**
   * @throws InvalidValueException with reason {@code InvalidKind}, {@code BackendNotFound}, {@code
   *     RefNotPermitted} or {@code UnsupportedProtocol}
   */
  public ResolvedCluster resolve(
      String field,
      String routeNamespace,
      String group,
      String kind,
      String name,
      String namespace,
      Integer port) {
    String g = Names.orEmpty(group);
    String k = Names.orDefault(kind, "Service");
    if (!g.isEmpty() || !k.equals("Service")) {
      throw new InvalidValueException(
          field,
          "group \"" + g + "\" kind " + k + " name " + name,
          "a core Service (group \"\", kind Service)",
          Conditions.REASON_INVALID_KIND);
    }
    String ns = Names.orDefault(namespace, routeNamespace);
    if (!index
        .referenceGrants()
        .allowed(Names.GATEWAY_GROUP, "HTTPRoute", routeNamespace, "", "Service", ns, name)) {
      throw new InvalidValueException(
          field,
          ns + "/" + name,
          "a ReferenceGrant in namespace " + ns + " allowing HTTPRoutes from " + routeNamespace,
          Conditions.REASON_REF_NOT_PERMITTED);
    }
    Service svc = index.service(ns, name);
    if (svc == null) {
      throw new InvalidValueException(
          field, ns + "/" + name, "an existing Service", Conditions.REASON_BACKEND_NOT_FOUND);
    }
    if (svc.getSpec() != null && "ExternalName".equals(svc.getSpec().getType())) {
      throw new InvalidValueException(
          field,
          ns + "/" + name,
          "a Service that is not of type ExternalName",
          Conditions.REASON_UNSUPPORTED_PROTOCOL_ROUTE);
    }
    if (port == null) {
      throw new InvalidValueException(
          field + ".port",
          null,
          "the port of a Service reference",
          Conditions.REASON_BACKEND_NOT_FOUND);
    }
    ServicePort sp = null;
    if (svc.getSpec() != null && svc.getSpec().getPorts() != null) {
      for (ServicePort p : svc.getSpec().getPorts()) {
        if (port.equals(p.getPort())) {
          sp = p;
          break;
        }
      }
    }
    if (sp == null) {
      throw new InvalidValueException(
          field + ".port",
          port,
          "a port of Service " + ns + "/" + name,
          Conditions.REASON_BACKEND_NOT_FOUND);
    }
    AppProtocol protocol = appProtocol(field, sp);
    String clusterName = Names.clusterName(ns, name, port);
    ServicePort servicePort = sp;
    ResolvedCluster rc =
        clusters.computeIfAbsent(
            clusterName,
            n ->
                new ResolvedCluster(
                    new Cluster(
                        n, new SourceRef("Service", ns, name, String.valueOf(port)), protocol),
                    svc,
                    servicePort));
    if (recording != null) {
      recording.add(rc);
    }
    return rc;
  }

  /** Starts collecting every cluster resolved until {@link #stopRecording()}. */
  public void startRecording() {
    recording = new ArrayList<>();
  }

  /** The clusters resolved since {@link #startRecording()}. */
  public List<ResolvedCluster> stopRecording() {
    List<ResolvedCluster> out = recording == null ? List.of() : recording;
    recording = null;
    return out;
  }

  /** Registers clusters resolved by an earlier translation (a cached route). */
  public void register(List<ResolvedCluster> resolved) {
    for (ResolvedCluster rc : resolved) {
      clusters.putIfAbsent(rc.cluster().name(), rc);
    }
  }

  /** Every cluster resolved so far, by name. */
  public Map<String, ResolvedCluster> clusters() {
    return clusters;
  }

  private static AppProtocol appProtocol(String field, ServicePort sp) {
    String ap = sp.getAppProtocol();
    if (ap == null || ap.isEmpty() || ap.equalsIgnoreCase("http")) {
      return AppProtocol.HTTP1;
    }
    return switch (ap) {
      case "kubernetes.io/h2c" -> AppProtocol.H2C;
      case "kubernetes.io/ws" -> AppProtocol.WS;
      default ->
          throw new InvalidValueException(
              field,
              "appProtocol " + ap,
              "no appProtocol, http, kubernetes.io/h2c or kubernetes.io/ws",
              Conditions.REASON_UNSUPPORTED_PROTOCOL_ROUTE);
    };
  }
}
