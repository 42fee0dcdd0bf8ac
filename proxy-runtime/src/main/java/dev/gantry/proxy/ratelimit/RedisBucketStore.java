package dev.gantry.proxy.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Global buckets in Redis through Bucket4j's Lettuce integration (compare-and-swap per bucket).
 * Every call is bounded by the store timeout and guarded by a {@link StoreBreaker}. The connection
 * is made lazily and re-made by Lettuce after an outage; while it is down, commands are rejected at
 * once instead of queueing, so they fail fast rather than wait for the timeout.
 *
 * <p>Bucket proxies are kept per key with Bucket4j's batching optimization: the checks of one key
 * that arrive while a compare-and-swap of that key is in flight wait and go to Redis together as
 * one. Without it every concurrent request on a hot key (a Gateway-wide limit with no key, or one
 * busy client) raced its own read and compare-and-swap, lost, and retried until the store timeout:
 * at 50 concurrent requests on one key every check timed out.
 */
final class RedisBucketStore implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RedisBucketStore.class.getName());

  private final RedisURI uri;
  private final long timeoutNanos;
  private final Duration timeout;
  private final StoreBreaker breaker;
  private final ClientResources resources;
  private final RedisClient client;
  private volatile AsyncProxyManager<byte[]> manager;
  private CompletableFuture<AsyncProxyManager<byte[]>> connecting;
  private StatefulRedisConnection<byte[], byte[]> connection;
  // Bounded: keys are per client for keyed limits. An evicted proxy holds no state of its own (the
  // bucket is in Redis); the next request of that key makes a new one.
  private final Cache<String, AsyncBucketProxy> buckets =
      Caffeine.newBuilder()
          .maximumSize(100_000)
          .expireAfterAccess(Duration.ofMinutes(1))
          .executor(Runnable::run) // as in LocalLimit: no thread hand-off per few requests
          .build();

  RedisBucketStore(String url, Duration timeout, Duration breakerOpen) {
    this.uri = RedisURI.create(url);
    this.uri.setTimeout(timeout);
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
    this.breaker = new StoreBreaker(breakerOpen.toNanos(), System::nanoTime);
    // Reconnect quickly and steadily: the default backoff grows to 30 s, which would keep Global
    // limits on their failure mode long after Redis is back.
    this.resources =
        ClientResources.builder()
            .ioThreadPoolSize(1)
            .computationThreadPoolSize(1)
            .reconnectDelay(Delay.constant(Duration.ofMillis(200)))
            .build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .build());
  }

  /**
   * Consumes one token from the bucket {@code key}; fails on store error, timeout or open breaker.
   */
  CompletableFuture<ConsumptionProbe> tryConsume(String key, BucketConfiguration config) {
    if (!breaker.tryAcquire()) {
      return CompletableFuture.failedFuture(new StoreUnavailableException("breaker open"));
    }
    AsyncProxyManager<byte[]> m = manager;
    CompletableFuture<ConsumptionProbe> f;
    try {
      f =
          m != null
              ? bucket(m, key, config).tryConsumeAndReturnRemaining(1)
              : connect().thenCompose(c -> bucket(c, key, config).tryConsumeAndReturnRemaining(1));
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.orTimeout(timeoutNanos, TimeUnit.NANOSECONDS)
        .whenComplete(
            (probe, error) -> {
              if (error == null) {
                breaker.onSuccess();
              } else {
                breaker.onFailure();
              }
            });
  }

  /** The key's bucket proxy (the key names the limit and its definition, so also the config). */
  private AsyncBucketProxy bucket(AsyncProxyManager<byte[]> m, String key, BucketConfiguration c) {
    return buckets.get(
        key,
        k ->
            m.builder()
                .withOptimization(Optimizations.batching())
                .build(
                    k.getBytes(StandardCharsets.UTF_8),
                    () -> CompletableFuture.completedFuture(c)));
  }

  boolean breakerOpen() {
    return breaker.isOpen();
  }

  private synchronized CompletableFuture<AsyncProxyManager<byte[]>> connect() {
    if (manager != null) {
      return CompletableFuture.completedFuture(manager);
    }
    if (connecting == null) {
      CompletableFuture<AsyncProxyManager<byte[]>> attempt =
          client
              .connectAsync(ByteArrayCodec.INSTANCE, uri)
              .toCompletableFuture()
              .thenApply(this::onConnected);
      connecting = attempt;
      attempt.whenComplete(
          (ok, error) -> {
            synchronized (this) {
              connecting = null;
            }
            if (error != null) {
              LOG.log(Level.FINE, "rate-limit store " + uri + " unreachable", error);
            }
          });
      return attempt;
    }
    return connecting;
  }

  private synchronized AsyncProxyManager<byte[]> onConnected(
      StatefulRedisConnection<byte[], byte[]> c) {
    connection = c;
    // Proxies of an earlier connection would send through it.
    buckets.invalidateAll();
    AsyncProxyManager<byte[]> m =
        Bucket4jLettuce.casBasedBuilder(c)
            // Keys vanish once their bucket would be full again: Redis holds only active keys.
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                    Duration.ofSeconds(1)))
            .requestTimeout(timeout)
            .build()
            .asAsync();
    manager = m;
    return m;
  }

  @Override
  public synchronized void close() {
    if (connection != null) {
      connection.closeAsync();
    }
    client.shutdownAsync(0, 1, TimeUnit.SECONDS);
    resources.shutdown(0, 1, TimeUnit.SECONDS);
  }

  /** The store could not be asked (breaker open) or did not answer in time. */
  static final class StoreUnavailableException extends RuntimeException {
    StoreUnavailableException(String message) {
      super(message, null, false, false);
    }
  }
}
