package dev.gantry.model.routing;

import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.List;

/**
 * The routes that serve one effective hostname on one listener.
 *
 * <p>The proxy picks the virtual host whose hostname matches the request Host (port ignored): an
 * exact name first, then the longest matching {@code *.suffix} wildcard, then {@code *}. Within it,
 * the <b>first</b> entry of {@code routes} whose match holds wins. The translator has already put
 * the entries in Gateway API precedence order and appended, after a host's own routes, the routes
 * of the less specific hostnames that also cover it, so the proxy never has to consult a second
 * virtual host.
 *
 * @param hostname an exact lower-case host, {@code *.suffix}, or {@code *}
 * @param routes route entries in precedence order
 */
public record VirtualHost(String hostname, List<RouteEntry> routes) {

  public VirtualHost {
    routes = Lists.copy(routes);
  }

  public void validate(Validator v) {
    v.require(
        hostname != null && !hostname.isEmpty(), "hostname", hostname, "a host, *.suffix or *");
    if (hostname != null && hostname.contains("*")) {
      v.require(
          hostname.equals("*") || (hostname.startsWith("*.") && hostname.indexOf('*', 1) < 0),
          "hostname",
          hostname,
          "a wildcard only as the whole first label");
    }
    v.each("routes", routes, RouteEntry::validate);
  }
}
