package dev.gantry.proxy.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;

/**
 * After the TLS handshake: {@code h2} gets the HTTP/2 frame codec and stream multiplexer, {@code
 * http/1.1} or no ALPN at all gets the HTTP/1.1 codec. Both end in the same {@link ProxyHandler},
 * so HTTPS requests take the request path cleartext ones take.
 */
final class AlpnPipeline extends ApplicationProtocolNegotiationHandler {
  private final ProxyChannelInitializer initializer;

  AlpnPipeline(ProxyChannelInitializer initializer) {
    super(ApplicationProtocolNames.HTTP_1_1);
    this.initializer = initializer;
  }

  @Override
  protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
    if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
      initializer.addHttp2(ctx.pipeline());
    } else if (ApplicationProtocolNames.HTTP_1_1.equals(protocol)) {
      initializer.addHttp1(ctx.pipeline());
    } else {
      throw new IllegalStateException(
          "alpn: "
              + protocol
              + " (expected: "
              + ApplicationProtocolNames.HTTP_2
              + " or "
              + ApplicationProtocolNames.HTTP_1_1
              + ")");
    }
  }

  /**
   * A failed handshake (unknown SNI name, no shared version or cipher, a scanner) closes the
   * connection without a log line: on an internet-facing port these are constant, and logging each
   * on the event loop would hand a client a way to flood the log.
   */
  @Override
  protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
