package dev.gantry.operator.fleet;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A Gateway's {@code status.addresses} from its fleet Service: the load balancer's ingress IPs and
 * host names once assigned, else the cluster IP (reachable in-cluster, better than nothing).
 */
public final class GatewayAddresses {

  private GatewayAddresses() {}

  public static List<GatewayStatusAddress> of(Service service) {
    List<GatewayStatusAddress> out = new ArrayList<>();
    if (service == null) {
      return out;
    }
    if (service.getStatus() != null
        && service.getStatus().getLoadBalancer() != null
        && service.getStatus().getLoadBalancer().getIngress() != null) {
      for (LoadBalancerIngress i : service.getStatus().getLoadBalancer().getIngress()) {
        if (i.getIp() != null && !i.getIp().isEmpty()) {
          out.add(new GatewayStatusAddress("IPAddress", i.getIp()));
        }
        if (i.getHostname() != null && !i.getHostname().isEmpty()) {
          out.add(new GatewayStatusAddress("Hostname", i.getHostname()));
        }
      }
    }
    if (out.isEmpty()
        && service.getSpec() != null
        && service.getSpec().getClusterIP() != null
        && !service.getSpec().getClusterIP().isEmpty()
        && !"None".equals(service.getSpec().getClusterIP())) {
      out.add(new GatewayStatusAddress("IPAddress", service.getSpec().getClusterIP()));
    }
    return out;
  }
}
