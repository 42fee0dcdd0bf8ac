package dev.gantry.proxy.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.gantry.model.routing.RateLimit.Limit;
import dev.gantry.model.routing.RateLimit.Rate;
import dev.gantry.proxy.route.RequestView;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;

/**
 * A Local limit: Bucket4j buckets in this proxy, one per key, in a Caffeine cache bounded by a key
 * cap and expiring a key after its longest window without requests. The expiry loses nothing: an
 * interval-refilled bucket untouched for a whole window is full again anyway. The cap is what
 * bounds memory under a flood of distinct keys; a key evicted by it starts again with a full bucket
 * (documented trade-off: memory is bounded, exactness under >cap active keys is not).
 *
 * <p>Gateway-wide limits enforce this replica's share (rate / ready replicas). When the replica
 * count changes, each bucket switches to the new configuration on its next use, keeping its
 * consumed fraction (Bucket4j's PROPORTIONALLY inheritance).
 */
final class LocalLimit extends CompiledLimit {
  private final boolean gatewayWide;
  private final Cache<String, KeyedBucket> buckets;
  private volatile BucketConfiguration config;

  LocalLimit(Limit limit, boolean gatewayWide, int replicas, long keyCap, RateLimitMetrics m) {
    super(limit, m);
    this.gatewayWide = gatewayWide;
    long longest = limit.rates().stream().mapToLong(Rate::periodMs).max().orElse(1000);
    this.buckets =
        Caffeine.newBuilder()
            .maximumSize(keyCap)
            .expireAfterAccess(Duration.ofMillis(longest))
            // Maintenance (eviction, expiry, buffer drains) on the calling event loop: the default
            // hands it to the common ForkJoinPool, a thread wake-up every few requests that, on a
            // proxy pinned to one core, cost more than the bucket check itself.
            .executor(Runnable::run)
            .build();
    this.config = configuration(limit.rates(), gatewayWide ? replicas : 1);
  }

  void replicas(int replicas) {
    if (gatewayWide) {
      config = configuration(rates(), replicas);
    }
  }

  BucketConfiguration configuration() {
    return config;
  }

  LimitOutcome check(RequestView request, String client) {
    BucketConfiguration c = config;
    KeyedBucket kb = buckets.get(key().of(request, client), k -> new KeyedBucket(c));
    if (kb.applied != c) {
      kb.bucket.replaceConfiguration(c, TokensInheritanceStrategy.PROPORTIONALLY);
      kb.applied = c;
    }
    return LimitOutcome.of(this, kb.bucket.tryConsumeAndReturnRemaining(1));
  }

  long keys() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }

  private static final class KeyedBucket {
    final Bucket bucket;
    volatile BucketConfiguration applied;

    KeyedBucket(BucketConfiguration c) {
      var b = Bucket.builder();
      for (var bandwidth : c.getBandwidths()) {
        b.addLimit(bandwidth);
      }
      this.bucket = b.build();
      this.applied = c;
    }
  }
}
