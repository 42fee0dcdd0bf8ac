package dev.gantry.proxy.route;

import dev.gantry.proxy.tls.PortTls;

/**
 * The listeners sharing one port, chosen by Host: an exact listener hostname, then the most
 * specific wildcard, then the listener without hostname.
 *
 * @param tls the certificates by SNI name on an HTTPS port, null on a cleartext port
 */
public record CompiledPort(int port, HostTable<CompiledListener> listeners, PortTls tls) {

  public CompiledPort(int port, HostTable<CompiledListener> listeners) {
    this(port, listeners, null);
  }

  /** The listener serving a (normalised) host on this port, or null. */
  public CompiledListener listener(String host) {
    return listeners.lookup(host);
  }

  /** The route for a request, or null (→ 404). {@code host} is already normalised. */
  public CompiledRoute route(String host, RequestView request) {
    CompiledListener listener = listeners.lookup(host);
    return listener == null ? null : listener.route(host, request);
  }

  /**
   * True when a request on a TLS connection whose SNI name was {@code sniHost} names, by Host, a
   * different listener than the one that name selected (Gateway API: 421 Misdirected Request). A
   * connection without SNI is never misdirected: it was served the default listener's certificate
   * and carries no name to disagree with.
   */
  public boolean misdirected(String sniHost, CompiledListener byHost) {
    if (tls == null || sniHost == null || sniHost.isEmpty()) {
      return false;
    }
    return listeners.lookup(sniHost) != byHost;
  }
}
