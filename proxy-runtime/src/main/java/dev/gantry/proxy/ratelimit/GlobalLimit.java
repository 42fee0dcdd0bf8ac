package dev.gantry.proxy.ratelimit;

import dev.gantry.model.routing.RateLimit.Limit;
import dev.gantry.proxy.route.RequestView;
import io.github.bucket4j.BucketConfiguration;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * A Global limit: one Bucket4j bucket per key in Redis, shared by every replica of the Gateway, so
 * the rates are the Gateway's as written (never divided). The Redis key names the Gateway, policy,
 * limit and a hash of the policy's definition: a changed definition starts fresh counters instead
 * of reading buckets built for other rates.
 */
final class GlobalLimit extends CompiledLimit {
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
    byte[] key = (keyPrefix + key().of(request, client)).getBytes(StandardCharsets.UTF_8);
    return store
        .tryConsume(key, config)
        .handle(
            (probe, error) ->
                error == null
                    ? LimitOutcome.of(this, probe)
                    : LimitOutcome.storeFailure(this, failOpen));
  }
}
