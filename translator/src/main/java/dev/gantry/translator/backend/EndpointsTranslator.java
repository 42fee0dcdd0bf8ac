package dev.gantry.translator.backend;

import dev.gantry.model.endpoints.ClusterEndpoints;
import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.translator.support.ResourceIndex;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Comparator;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A cluster's endpoints from the EndpointSlices labelled with its Service's name. The Service port
 * is mapped to the slice port by <em>name</em> (never by number: targetPort may be a named
 * container port), which also covers headless and selector-less Services with hand-written slices.
 */
public final class EndpointsTranslator {

  private static final Comparator<Endpoint> ORDER =
      Comparator.comparing(Endpoint::address)
          .thenComparingInt(Endpoint::port)
          .thenComparing(Endpoint::ready)
          .thenComparing(Endpoint::serving)
          .thenComparing(Endpoint::terminating)
          .thenComparing(e -> Objects.toString(e.zone(), ""));

  private final ResourceIndex index;

  public EndpointsTranslator(ResourceIndex index) {
    this.index = index;
  }

  public ClusterEndpoints endpoints(ResolvedCluster rc) {
    String ns = rc.service().getMetadata().getNamespace();
    String svc = rc.service().getMetadata().getName();
    ServicePort sp = rc.port();
    TreeSet<Endpoint> out = new TreeSet<>(ORDER);
    for (EndpointSlice slice : index.endpointSlices(ns, svc)) {
      Integer port = portByName(slice, sp.getName());
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
          out.add(new Endpoint(address, port, ready, serving, terminating, e.getZone()));
        }
      }
    }
    return new ClusterEndpoints(rc.cluster().name(), out.stream().toList());
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
