package dev.gantry.proxy.tls;

import dev.gantry.proxy.route.HostTable;
import io.netty.handler.ssl.SslContext;

/**
 * The certificates of one HTTPS port: the SNI name chooses the listener with the same rules that
 * choose the listener by Host (exact, then the longest wildcard, then the listener without
 * hostname), then that listener's certificate for the name ({@link ListenerCertificates}). A port's
 * mapping is part of the compiled config, so a new snapshot swaps it together with the routes.
 */
public record PortTls(HostTable<ListenerCertificates> listeners) {

  /** The context for an SNI name (already normalised; empty when the client sent none), or null. */
  public SslContext select(String sniHost) {
    ListenerCertificates l = listeners.lookup(sniHost);
    return l == null ? null : l.select(sniHost);
  }
}
