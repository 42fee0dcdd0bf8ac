package dev.gantry.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

/**
 * How to open TLS to a cluster's endpoints: the client context (trust, ALPN) and the SNI name.
 * Equal by {@link #key()} (the policy's content), so endpoints of an unchanged policy stay equal
 * across reloads and keep their pooled connections, while a changed CA or name gets new ones.
 */
public final class UpstreamTls {
  private final String key;
  private final String serverName;
  private final SslContext context;

  UpstreamTls(String key, String serverName, SslContext context) {
    this.key = key;
    this.serverName = serverName;
    this.context = context;
  }

  public String key() {
    return key;
  }

  public String serverName() {
    return serverName;
  }

  /** A client-side handler that sends {@link #serverName()} as SNI. */
  public SslHandler newHandler(ByteBufAllocator alloc, int port) {
    return context.newHandler(alloc, serverName, port);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpstreamTls t && t.key.equals(key);
  }

  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public String toString() {
    return "UpstreamTls[" + serverName + "]";
  }
}
