package dev.gantry.proxy.route;

import dev.gantry.model.routing.AppProtocol;
import dev.gantry.proxy.tls.UpstreamTls;
import java.net.InetSocketAddress;

/**
 * One ready endpoint and how to talk to it. Equal endpoints across configs share upstream pools,
 * which is what carries pooled connections over a reload.
 *
 * @param tls TLS to the endpoint (BackendTLSPolicy), or null for cleartext; part of equality, so a
 *     TLS and a cleartext connection to one address never share a pool
 */
public record UpstreamEndpoint(InetSocketAddress address, AppProtocol protocol, UpstreamTls tls) {

  /** A cleartext endpoint. */
  public UpstreamEndpoint(InetSocketAddress address, AppProtocol protocol) {
    this(address, protocol, null);
  }
}
