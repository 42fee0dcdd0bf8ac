package dev.gantry.model.routing;

import dev.gantry.model.Lists;
import dev.gantry.model.SourceRef;
import dev.gantry.model.Validator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A Gateway listener that the proxy binds. Only accepted, non-conflicted listeners appear here.
 *
 * @param name the listener's section name
 * @param source the Gateway (section = listener name)
 * @param port the port to bind
 * @param protocol HTTP or HTTPS
 * @param hostname the listener hostname ({@code null} = any host); used to pick among listeners on
 *     one port
 * @param tls TLS settings, required for HTTPS
 * @param virtualHosts the hostnames served by the routes attached to this listener, sorted by
 *     hostname
 * @param policies policies that apply to every request on this listener (Gateway- or listener-level
 *     RateLimitPolicies)
 */
public record Listener(
    String name,
    SourceRef source,
    int port,
    ListenerProtocol protocol,
    String hostname,
    TlsSettings tls,
    List<VirtualHost> virtualHosts,
    List<PolicyRef> policies) {

  public Listener {
    hostname = Lists.emptyToNull(hostname);
    virtualHosts = Lists.copy(virtualHosts);
    policies = Lists.copy(policies);
  }

  /** A listener without policies (the form before listener policies existed). */
  public Listener(
      String name,
      SourceRef source,
      int port,
      ListenerProtocol protocol,
      String hostname,
      TlsSettings tls,
      List<VirtualHost> virtualHosts) {
    this(name, source, port, protocol, hostname, tls, virtualHosts, List.of());
  }

  /** This listener with {@code refs} as its policies. */
  public Listener withPolicies(List<PolicyRef> refs) {
    return new Listener(name, source, port, protocol, hostname, tls, virtualHosts, refs);
  }

  public void validate(Validator v) {
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
    v.require(source != null, "source", source, "non-null");
    v.require(port >= 1 && port <= 65535, "port", port, "1..65535");
    v.require(protocol != null, "protocol", protocol, "HTTP or HTTPS");
    if (protocol == ListenerProtocol.HTTPS) {
      v.require(tls != null, "tls", tls, "set on an HTTPS listener");
    }
    v.nested("tls", tls, tv -> tls.validate(tv));
    v.each("virtualHosts", virtualHosts, VirtualHost::validate);
    v.each("policies", policies, PolicyRef::validate);
    Set<String> seen = new HashSet<>();
    for (VirtualHost vh : virtualHosts) {
      if (vh != null && !seen.add(vh.hostname())) {
        v.fail("virtualHosts", vh.hostname(), "unique hostnames");
      }
    }
  }
}
