package dev.gantry.proxy.tls;

import dev.gantry.proxy.route.CompiledPort;
import dev.gantry.proxy.route.HostTable;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Promise;
import java.util.function.Supplier;
import javax.net.ssl.SSLHandshakeException;

/**
 * Reads the ClientHello's SNI name, picks the certificate of the listener that name selects, and
 * records the name on the connection so that a request whose Host selects a different listener can
 * be answered 421 (Gateway API: HTTPS listeners match both SNI and Host).
 *
 * <p>The mapping is read from the config current at handshake time ({@code port} supplier), which
 * is what makes certificate rotation apply to new connections only: a connection keeps the
 * SslEngine it negotiated, and the next ClientHello sees the swapped mapping. A name that selects
 * no listener (and no listener without hostname exists on the port) fails the handshake instead of
 * presenting some other listener's certificate.
 */
public final class SniListenerHandler extends SniHandler {
  /** The normalised SNI name of a TLS connection ({@code ""} when the client sent none). */
  public static final AttributeKey<String> SNI_HOST = AttributeKey.valueOf("gantry.sniHost");

  /** A slow or silent client gets this long to complete the handshake. */
  static final long HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  /** The largest ClientHello read while looking for SNI (many extensions, post-quantum shares). */
  static final int MAX_CLIENT_HELLO = 16 * 1024;

  public SniListenerHandler(Supplier<CompiledPort> port) {
    super(
        (String hostname, Promise<SslContext> promise) -> {
          CompiledPort p = port.get();
          SslContext ctx =
              p == null || p.tls() == null
                  ? null
                  : p.tls().select(HostTable.normalizeHost(hostname));
          if (ctx == null) {
            return promise.setFailure(
                new SSLHandshakeException(
                    "sni: "
                        + hostname
                        + " (expected: a name served by an HTTPS listener on this port)"));
          }
          return promise.setSuccess(ctx);
        },
        MAX_CLIENT_HELLO,
        HANDSHAKE_TIMEOUT_MILLIS);
  }

  @Override
  protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext sslContext)
      throws Exception {
    ctx.channel().attr(SNI_HOST).set(HostTable.normalizeHost(hostname));
    super.replaceHandler(ctx, hostname, sslContext);
  }

  /**
   * The SNI name of the TLS connection carrying {@code ch} (an HTTP/2 stream's parent or the
   * connection itself), or null on a cleartext connection.
   */
  public static String sniHost(Channel ch) {
    String sni = ch.attr(SNI_HOST).get();
    if (sni == null && ch.parent() != null) {
      sni = ch.parent().attr(SNI_HOST).get();
    }
    return sni;
  }
}
