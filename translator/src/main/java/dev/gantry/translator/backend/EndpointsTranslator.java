package dev.gantry.translator.backend;

import dev.gantry.model.endpoints.ClusterEndpoints;
import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.translator.support.ResourceIndex;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A cluster's endpoints from the EndpointSlices labelled with its Service's name. The Service port
 * is mapped to the slice port by <em>name</em> (never by number: targetPort may be a named
 * container port), which also covers headless and selector-less Services with hand-written slices.
 *
 * <p>The static {@link #endpointsFor} functions are pure and public because the operator's
 * EndpointSlice fast path (DESIGN.md decision 4) computes the endpoints part without a full
 * translation: both paths must produce byte-identical parts, or the version would flap between a
 * translation and a slice event.
 */
public final class EndpointsTranslator {

  private static final Comparator<Endpoint> ORDER =
      Comparator.comparing(Endpoint::address).thenComparingInt(Endpoint::port);

  private final ResourceIndex index;

  public EndpointsTranslator(ResourceIndex index) {
    this.index = index;
  }

  public ClusterEndpoints endpoints(ResolvedCluster rc) {
    String ns = rc.service().getMetadata().getNamespace();
    String svc = rc.service().getMetadata().getName();
    return endpointsFor(rc.cluster().name(), rc.port(), index.endpointSlices(ns, svc));
  }

  /**
   * The endpoints of cluster {@code service/<ns>/<name>/<servicePort>}: no endpoints when the
   * Service is missing or has no such port.
   *
   * @param slices the EndpointSlices labelled {@code kubernetes.io/service-name} with the Service
   */
  public static ClusterEndpoints endpointsFor(
      String cluster, Service service, int servicePort, Collection<EndpointSlice> slices) {
    if (service == null || service.getSpec() == null || service.getSpec().getPorts() == null) {
      return new ClusterEndpoints(cluster, List.of());
    }
    ServicePort port =
        service.getSpec().getPorts().stream()
            .filter(p -> p.getPort() != null && p.getPort() == servicePort)
            .findFirst()
            .orElse(null);
    return port == null
        ? new ClusterEndpoints(cluster, List.of())
        : endpointsFor(cluster, port, slices);
  }

  /**
   * The endpoints behind one Service port. Conditions follow the EndpointSlice API: an unset {@code
   * ready} means ready, an unset {@code serving} means the value of ready, an unset {@code
   * terminating} means false. An address in two slices (a slice rebalance in progress) is kept
   * once, from the slice whose name sorts first, so the result does not depend on list order.
   */
  public static ClusterEndpoints endpointsFor(
      String cluster, ServicePort servicePort, Collection<EndpointSlice> slices) {
    Map<String, Endpoint> byAddress = new LinkedHashMap<>();
    List<EndpointSlice> ordered =
        slices.stream()
            .sorted(
                Comparator.comparing(
                    s ->
                        s.getMetadata() == null
                            ? ""
                            : Objects.toString(s.getMetadata().getName(), "")))
            .toList();
    for (EndpointSlice slice : ordered) {
      Integer port = portByName(slice, servicePort.getName());
      if (port == null || slice.getEndpoints() == null) {
        continue;
      }
      for (io.fabric8.kubernetes.api.model.discovery.v1.Endpoint e : slice.getEndpoints()) {
        if (e.getAddresses() == null) {
          continue;
        }
        EndpointConditions c = e.getConditions();
        // Kubernetes: an unknown (null) ready state is to be read as ready; serving follows ready.
        boolean ready = c == null || c.getReady() == null || c.getReady();
        boolean serving = c == null || c.getServing() == null ? ready : c.getServing();
        boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
        for (String address : e.getAddresses()) {
          byAddress.putIfAbsent(
              address + "|" + port,
              new Endpoint(address, port, ready, serving, terminating, e.getZone()));
        }
      }
    }
    return new ClusterEndpoints(cluster, byAddress.values().stream().sorted(ORDER).toList());
  }

  private static Integer portByName(EndpointSlice slice, String name) {
    if (slice.getPorts() == null) {
      return null;
    }
    String wanted = name == null ? "" : name;
    for (EndpointPort p : slice.getPorts()) {
      String n = p.getName() == null ? "" : p.getName();
      if (n.equals(wanted) && p.getPort() != null) {
        return p.getPort();
      }
    }
    return null;
  }
}
