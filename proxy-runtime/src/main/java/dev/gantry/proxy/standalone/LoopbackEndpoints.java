package dev.gantry.proxy.standalone;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The loopback endpoints of a folder's EndpointSlices, each named after the endpoint's {@code
 * hostname} when it has one and after its Service otherwise: where {@code gantry standalone
 * --echo-backends} (and the examples' tests) start echo backends so an example runs with nothing
 * else installed. Per-endpoint names let an example show which endpoint of a Service answered
 * (balancing, stickiness).
 */
public final class LoopbackEndpoints {

  private LoopbackEndpoints() {}

  /** Address → endpoint hostname or Service name, in folder order. */
  public static Map<InetSocketAddress, String> of(LoadedResources loaded) {
    Map<InetSocketAddress, String> out = new LinkedHashMap<>();
    for (HasMetadata o : loaded.objects()) {
      if (!(o instanceof EndpointSlice slice)
          || slice.getEndpoints() == null
          || slice.getPorts() == null) {
        continue;
      }
      Map<String, String> labels = slice.getMetadata().getLabels();
      String service =
          labels == null
              ? slice.getMetadata().getName()
              : labels.getOrDefault("kubernetes.io/service-name", slice.getMetadata().getName());
      for (Endpoint ep : slice.getEndpoints()) {
        String name =
            ep.getHostname() == null || ep.getHostname().isEmpty() ? service : ep.getHostname();
        for (String address : ep.getAddresses() == null ? List.<String>of() : ep.getAddresses()) {
          if (!address.startsWith("127.") && !address.equals("::1")) {
            continue;
          }
          for (EndpointPort port : slice.getPorts()) {
            if (port.getPort() != null) {
              out.putIfAbsent(new InetSocketAddress(address, port.getPort()), name);
            }
          }
        }
      }
    }
    return out;
  }
}
