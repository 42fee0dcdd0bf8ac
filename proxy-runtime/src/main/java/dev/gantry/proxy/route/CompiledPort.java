package dev.gantry.proxy.route;

/**
 * The listeners sharing one port, chosen by Host: an exact listener hostname, then the most
 * specific wildcard, then the listener without hostname.
 */
public record CompiledPort(int port, HostTable<CompiledListener> listeners) {

  /** The listener serving a (normalised) host on this port, or null. */
  public CompiledListener listener(String host) {
    return listeners.lookup(host);
  }

  /** The route for a request, or null (→ 404). {@code host} is already normalised. */
  public CompiledRoute route(String host, RequestView request) {
    CompiledListener listener = listeners.lookup(host);
    return listener == null ? null : listener.route(host, request);
  }
}
