package dev.gantry.proxy.testing;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One GET on a new stream of an HTTP/2 connection whose pipeline has an {@code
 * Http2MultiplexHandler}, shared by the test clients for cleartext (prior knowledge) and TLS.
 */
public final class H2Streams {

  public record Response(int status, String body) {}

  private H2Streams() {}

  /**
   * Sends {@code GET path} with the given {@code :authority} and waits up to 10 s for the whole
   * answer.
   */
  public static Response get(Channel connection, String path, String authority) throws Exception {
    CompletableFuture<Response> result = new CompletableFuture<>();
    Http2StreamChannel stream =
        new Http2StreamChannelBootstrap(connection)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline()
                        .addLast(
                            new Http2StreamFrameToHttpObjectCodec(false),
                            new HttpObjectAggregator(1 << 20),
                            new SimpleChannelInboundHandler<FullHttpResponse>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, FullHttpResponse msg) {
                                result.complete(
                                    new Response(
                                        msg.status().code(),
                                        msg.content().toString(StandardCharsets.UTF_8)));
                              }

                              @Override
                              public void exceptionCaught(ChannelHandlerContext ctx, Throwable t) {
                                result.completeExceptionally(t);
                              }
                            });
                  }
                })
            .open()
            .sync()
            .getNow();
    DefaultFullHttpRequest req =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
    req.headers().set(HttpHeaderNames.HOST, authority);
    stream.writeAndFlush(req);
    return result.get(10, TimeUnit.SECONDS);
  }
}
