package dev.gantry.proxy.observe;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one thread that turns finished requests into JSON access-log lines and ends their spans.
 * Event loops hand records over through a bounded lock-free multi-producer queue (JCTools' MPSC
 * array queue, as shaded in Netty); a full queue drops the record and counts it, so a slow disk or
 * terminal never blocks a loop. The writer batches: it flushes when the queue runs empty.
 *
 * <p>Why not Log4j2's async logger or logback's AsyncAppender: both would still need a record built
 * on the loop and formatted somewhere; Log4j2's default blocks when its ring buffer is full, and
 * neither counts drops in this proxy's registry. The queue, a Jackson generator and a loop are less
 * code than configuring either to do the same.
 */
final class AccessLogWriter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AccessLogWriter.class.getName());

  /**
   * Idle back-off of the writer: from 0.5 ms, doubling to 20 ms. Lines wait at most that long; a
   * shorter first park would cost a dozen wake-ups per record at low, sampled rates.
   */
  private static final long MIN_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

  private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final Queue<ExchangeRecord> queue;
  private final Counter dropped;
  private final Counter written;
  private final OutputStream out;
  private final JsonGenerator json;
  private final Thread thread;
  private final boolean ownsTarget;
  private volatile boolean closing;
  private boolean failed;

  AccessLogWriter(Path path, int capacity, MeterRegistry registry) {
    this.queue = PlatformDependent.newFixedMpscQueue(capacity);
    this.dropped =
        Counter.builder("gantry.access.log.dropped")
            .description(
                "Finished requests not logged (or spans not ended) because the queue was full")
            .register(registry);
    this.written =
        Counter.builder("gantry.access.log.lines")
            .description("Access-log lines written")
            .register(registry);
    this.ownsTarget = path != null;
    try {
      OutputStream raw =
          path == null
              ? new FileOutputStream(FileDescriptor.out)
              : Files.newOutputStream(
                  path,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  StandardOpenOption.APPEND);
      this.out = new BufferedOutputStream(raw, 64 * 1024);
      this.json =
          new JsonFactory()
              .createGenerator(out, JsonEncoding.UTF8)
              .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
              .disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM)
              // One object per line, the line break written after each: no space between objects.
              .setRootValueSeparator(null);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "accessLogPath: " + path + " (expected: a file this process can append to: " + e + ")",
          e);
    }
    thread = Thread.ofPlatform().daemon().name("gantry-access-log").start(this::run);
  }

  /** From an event loop: never blocks; false (and counted) when the queue is full. */
  boolean offer(ExchangeRecord r) {
    if (queue.offer(r)) {
      return true;
    }
    dropped.increment();
    return false;
  }

  private void run() {
    long park = MIN_PARK_NANOS;
    boolean dirty = false;
    while (true) {
      ExchangeRecord r = queue.poll();
      if (r == null) {
        if (dirty) {
          flush();
          dirty = false;
        }
        if (closing && queue.isEmpty()) {
          return;
        }
        // Back off while idle: no wake-up signal from the loops, which would cost them a syscall.
        LockSupport.parkNanos(park);
        park = Math.min(park * 2, MAX_PARK_NANOS);
        continue;
      }
      park = MIN_PARK_NANOS;
      try {
        if (r.trace() != null && r.trace().span() != null) {
          SpanExport.end(r);
        }
        if (r.log()) {
          write(r);
          dirty = true;
        }
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "access log: record not written", e);
      }
    }
  }

  private void write(ExchangeRecord r) {
    try {
      JsonGenerator g = json;
      g.writeStartObject();
      g.writeStringField("timestamp", Instant.ofEpochMilli(r.startMillis()).toString());
      g.writeStringField("gateway", r.gateway());
      g.writeStringField("method", r.method());
      g.writeStringField("authority", r.authority());
      g.writeStringField("path", r.path());
      g.writeStringField("protocol", r.protocol());
      g.writeNumberField("status", r.status());
      g.writeStringField("route", r.route());
      g.writeStringField("rule", r.rule());
      g.writeStringField("cluster", r.cluster());
      g.writeStringField(
          "upstream",
          r.upstream() == null
              ? null
              : r.upstream().getAddress().getHostAddress() + ":" + r.upstream().getPort());
      g.writeNumberField("attempts", r.attempts());
      g.writeNumberField("duration_ms", r.durationNanos() / 1e6);
      if (r.upstreamNanos() >= 0) {
        g.writeNumberField("upstream_duration_ms", r.upstreamNanos() / 1e6);
      } else {
        g.writeNullField("upstream_duration_ms");
      }
      g.writeNumberField("bytes_in", r.bytesIn());
      g.writeNumberField("bytes_out", r.bytesOut());
      g.writeStringField("request_id", r.requestId());
      g.writeStringField("trace_id", r.trace() == null ? null : r.trace().traceId());
      g.writeStringField("span_id", r.trace() == null ? null : r.trace().upstream().spanId());
      g.writeEndObject();
      g.writeRaw('\n');
      written.increment();
    } catch (IOException e) {
      failed(e);
    }
  }

  private void flush() {
    try {
      json.flush();
      out.flush();
    } catch (IOException e) {
      failed(e);
    }
  }

  private void failed(IOException e) {
    if (!failed) {
      // Once: a full disk would otherwise log a warning per request.
      failed = true;
      LOG.log(Level.WARNING, "access log: write failed, later failures are not reported", e);
    }
  }

  /** Writes what is queued (up to 5 s), then stops. */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(thread);
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
    if (ownsTarget) {
      try {
        out.close();
      } catch (IOException e) {
        failed(e);
      }
    }
  }
}
