package dev.gantry.proxy.server;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;

/**
 * Flushes channels once, after the event loop has processed every socket that was ready in its
 * current wake-up (a task queued from the loop itself runs after the I/O batch, before the next
 * {@code epoll_wait}).
 *
 * <p>Why: requests from many client connections arrive in one wake-up. Writing each one to its
 * upstream connection at once wakes the upstream process once per request, and on a shared core the
 * woken upstream preempts the proxy in the middle of the batch (a context switch per request in the
 * profile). Flushing them together at the end lets one wake-up of the upstream serve several
 * requests. The delay is bounded by the rest of the current batch: microseconds. Measured with
 * {@code benchmarks/ab} and the harness's placement: the upstream nginx woken 2.0 → 2.7 requests
 * per wake-up, the proxy preempted 0.47 → 0.36 times per request (docs/performance.md).
 *
 * <p>HTTP/2 streams are deferred the same way (their frames then leave in one write per connection
 * and batch): HTTP/2 throughput went from ~0.8x to ~1.0x nginx's. One consequence is handled in
 * {@link ProxyHandler#resumeRead}: a stream whose reads resume from this task, outside its parent
 * connection's read, must flush the parent itself, or the WINDOW_UPDATE its read wrote stays
 * buffered and the client's upload stalls.
 */
public final class LoopFlusher implements Runnable {
  private static final FastThreadLocal<LoopFlusher> LOCAL =
      new FastThreadLocal<>() {
        @Override
        protected LoopFlusher initialValue() {
          return new LoopFlusher();
        }
      };

  private final ArrayDeque<Channel> pending = new ArrayDeque<>(64);
  // The loop the pending run was queued on; null when none is queued. Compared rather than kept as
  // a flag so that a run queued on a loop that never ran it (e.g. a test's discarded
  // EmbeddedChannel) cannot leave this thread's flushes waiting forever.
  private EventLoop queuedOn;

  private LoopFlusher() {}

  /**
   * Flushes {@code ch} at the end of the current batch. Off {@code ch}'s event loop (no caller
   * today: exchanges run on their loop) it flushes at once, since the pending list belongs to one
   * loop.
   */
  public static void flushLater(Channel ch) {
    if (!ch.eventLoop().inEventLoop()) {
      ch.flush();
      return;
    }
    LoopFlusher f = LOCAL.get();
    f.pending.add(ch);
    EventLoop loop = ch.eventLoop();
    if (f.queuedOn != loop) {
      f.queuedOn = loop;
      loop.execute(f);
    }
  }

  @Override
  public void run() {
    queuedOn = null;
    Channel ch;
    while ((ch = pending.poll()) != null) {
      ch.flush();
    }
  }
}
