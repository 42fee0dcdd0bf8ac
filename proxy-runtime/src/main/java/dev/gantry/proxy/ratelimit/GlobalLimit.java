package dev.gantry.proxy.ratelimit;

import dev.gantry.model.routing.RateLimit.Limit;
import dev.gantry.proxy.route.RequestView;
import io.github.bucket4j.BucketConfiguration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * A Global limit: one Bucket4j bucket per key in Redis, shared by every replica of the Gateway, so
 * the rates are the Gateway's as written (never divided). The Redis key names the Gateway, policy,
 * limit and a hash of the policy's definition: a changed definition starts fresh counters instead
 * of reading buckets built for other rates.
 */
final class GlobalLimit extends CompiledLimit {
  private static final Logger LOG = Logger.getLogger(GlobalLimit.class.getName());
  private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);
  // When a store failure was last logged, shared by every limit: at most one line per 10 s.
  private static final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);

  private final String keyPrefix;
  private final boolean failOpen;
  private final BucketConfiguration config;
  private final RedisBucketStore store;

  GlobalLimit(
      Limit limit,
      String keyPrefix,
      boolean failOpen,
      RedisBucketStore store,
      RateLimitMetrics metrics) {
    super(limit, metrics);
    this.keyPrefix = keyPrefix + limit.name() + ":";
    this.failOpen = failOpen;
    this.store = store;
    this.config = configuration(limit.rates(), 1);
  }

  boolean failOpen() {
    return failOpen;
  }

  /** Completes on a store thread; never completes exceptionally (failures become outcomes). */
  CompletableFuture<LimitOutcome> check(RequestView request, String client) {
    if (store == null) {
      return CompletableFuture.completedFuture(LimitOutcome.storeFailure(this, failOpen));
    }
    String key = keyPrefix + key().of(request, client);
    return store
        .tryConsume(key, config)
        .handle(
            (probe, error) -> {
              if (error == null) {
                return LimitOutcome.of(this, probe);
              }
              logFailure(error);
              return LimitOutcome.storeFailure(this, failOpen);
            });
  }

  /**
   * The metric counts store errors; the log says why, at most once per 10 s so an outage does not
   * flood it.
   */
  private void logFailure(Throwable error) {
    long now = System.nanoTime();
    long last = lastLogged.get();
    if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
      Throwable cause = error.getCause() != null ? error.getCause() : error;
      LOG.warning(
          "rate-limit store check failed for limit "
              + keyPrefix
              + " (request "
              + (failOpen ? "allowed: failureMode Open" : "refused: failureMode Closed")
              + "; logged at most every 10 s): "
              + cause);
    }
  }
}
