package dev.gantry.proxy.server;

import dev.gantry.proxy.balance.RequestHash;
import dev.gantry.proxy.metrics.UpstreamErrorKind;
import dev.gantry.proxy.route.CompiledCluster;
import dev.gantry.proxy.route.UpstreamEndpoint;
import dev.gantry.proxy.upstream.ClusterMember;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fire-and-forget copy of a request to a mirror cluster. Its response is read and dropped; its
 * failures are counted and otherwise ignored, so a mirror can never change the primary response.
 */
final class MirrorSender implements UpstreamListener {
  /** A mirror that has not answered by then is abandoned (its connection closed). */
  static final long MIRROR_TIMEOUT_MS = 10_000;

  /** The request as it looked when the mirror filter ran. */
  record Copy(CompiledCluster cluster, HttpMethod method, String uri, HttpHeaders headers) {}

  private final ProxyRuntime rt;
  private final EventLoop loop;
  private final Copy copy;
  private final UpstreamEndpoint endpoint;
  private Channel channel;
  private ScheduledFuture<?> timer;
  private boolean finished;

  private final ClusterMember member;

  private MirrorSender(ProxyRuntime rt, EventLoop loop, Copy copy, ClusterMember member) {
    this.rt = rt;
    this.loop = loop;
    this.copy = copy;
    this.member = member;
    this.endpoint = member.endpoint();
  }

  /** Sends the copy; takes ownership of {@code body}. */
  static void send(ProxyRuntime rt, EventLoop loop, Copy copy, ByteBuf body) {
    ClusterMember member = copy.cluster().pick(RequestHash.NO_HASH);
    if (member == null) {
      body.release();
      copy.cluster().metrics().error(UpstreamErrorKind.MIRROR_NO_ENDPOINT);
      return;
    }
    new MirrorSender(rt, loop, copy, member).start(body);
  }

  private void start(ByteBuf body) {
    Future<Channel> f = rt.pool(loop).acquire(member, copy.cluster().connection());
    f.addListener(
        x -> {
          if (!f.isSuccess()) {
            body.release();
            copy.cluster().metrics().error(UpstreamErrorKind.MIRROR_CONNECT);
            return;
          }
          channel = f.getNow();
          channel.pipeline().get(UpstreamHandler.class).attach(this);
          timer = loop.schedule(this::onTimeout, MIRROR_TIMEOUT_MS, TimeUnit.MILLISECONDS);
          HttpHeaders h = copy.headers().copy();
          h.remove(HttpHeaderNames.TRANSFER_ENCODING);
          h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
          channel.write(new DefaultHttpRequest(HttpVersion.HTTP_1_1, copy.method(), copy.uri(), h));
          channel.writeAndFlush(new DefaultLastHttpContent(body));
        });
  }

  private void finish(boolean reusable) {
    if (finished) {
      return;
    }
    finished = true;
    if (timer != null) {
      timer.cancel(false);
    }
    rt.pool(loop).release(endpoint, channel, reusable);
  }

  private void onTimeout() {
    copy.cluster().metrics().error(UpstreamErrorKind.MIRROR_TIMEOUT);
    finish(false);
  }

  @Override
  public void onUpstreamRead(Object msg) {
    boolean last = msg instanceof LastHttpContent;
    ReferenceCountUtil.release(msg);
    if (last) {
      finish(true);
    }
  }

  @Override
  public void onUpstreamInactive() {
    finish(false);
  }

  @Override
  public void onUpstreamException(Throwable cause) {
    copy.cluster().metrics().error(UpstreamErrorKind.MIRROR_ERROR);
    finish(false);
  }

  @Override
  public void onUpstreamWritabilityChanged() {
    // A mirror writes one bounded body; nothing to throttle.
  }
}
