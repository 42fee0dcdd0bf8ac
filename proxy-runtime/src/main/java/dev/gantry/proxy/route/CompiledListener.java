package dev.gantry.proxy.route;

/**
 * A listener: its configured port and scheme (for redirects and X-Forwarded-Proto) and its host
 * table.
 */
public record CompiledListener(
    String name, int port, String scheme, HostTable<CompiledVirtualHost> hosts) {

  /** The first matching route of the virtual host serving {@code host}, or null. */
  public CompiledRoute route(String host, RequestView request) {
    CompiledVirtualHost vhost = hosts.lookup(host);
    return vhost == null ? null : vhost.match(request);
  }
}
