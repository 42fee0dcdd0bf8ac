package dev.gantry.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

class LoopFlusherTest {

  /** Counts the flushes that reach the channel's pipeline. */
  private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
    int flushes;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      flushes++;
      ctx.flush();
    }
  }

  @Test
  void flushesWaitForTheLoopToRunItsTasksThenReachEveryChannel() {
    FlushCounter countA = new FlushCounter();
    FlushCounter countB = new FlushCounter();
    EmbeddedChannel a = new EmbeddedChannel(countA);
    EmbeddedChannel b = new EmbeddedChannel(countB);

    LoopFlusher.flushLater(a);
    LoopFlusher.flushLater(b);
    assertThat(countA.flushes).isZero();
    assertThat(countB.flushes).isZero();

    a.runPendingTasks();
    b.runPendingTasks();

    assertThat(countA.flushes).isEqualTo(1);
    assertThat(countB.flushes).isEqualTo(1);
    assertThat(a.finishAndReleaseAll()).isFalse();
    assertThat(b.finishAndReleaseAll()).isFalse();
  }

  @Test
  void aRunQueuedOnALoopThatNeverRanItDoesNotHoldBackLaterFlushes() {
    EmbeddedChannel discarded = new EmbeddedChannel();
    LoopFlusher.flushLater(discarded); // its loop never runs the queued flush
    FlushCounter count = new FlushCounter();
    EmbeddedChannel next = new EmbeddedChannel(count);

    LoopFlusher.flushLater(next);
    next.runPendingTasks();

    assertThat(count.flushes).isEqualTo(1);
    discarded.finishAndReleaseAll();
    next.finishAndReleaseAll();
  }
}
