package dev.gantry.proxy.ratelimit;

import java.time.Duration;

/**
 * How this proxy enforces rate limits.
 *
 * @param redisUrl the store of Global limits ({@code redis://host:port}), or {@code null} when none
 *     is configured: then every Global check counts as a store failure and its {@code failureMode}
 *     decides
 * @param storeTimeout the longest a request waits for the store before the failure mode applies
 * @param breakerOpen how long the store circuit breaker stays open after a failure before one probe
 *     request may try the store again
 * @param trustedProxyDepth the number of proxies in front of this one that append to {@code
 *     X-Forwarded-For}; 0 = the client is the TCP peer
 * @param headersOnAllowed whether allowed responses carry the {@code RateLimit} header
 * @param localKeyCap the most per-key buckets one Local limit keeps in memory
 */
public record RateLimitSettings(
    String redisUrl,
    Duration storeTimeout,
    Duration breakerOpen,
    int trustedProxyDepth,
    boolean headersOnAllowed,
    long localKeyCap) {

  public static final Duration DEFAULT_STORE_TIMEOUT = Duration.ofMillis(50);
  public static final Duration DEFAULT_BREAKER_OPEN = Duration.ofSeconds(1);
  public static final long DEFAULT_LOCAL_KEY_CAP = 100_000;

  public RateLimitSettings {
    redisUrl = redisUrl == null || redisUrl.isBlank() ? null : redisUrl;
    storeTimeout = storeTimeout == null ? DEFAULT_STORE_TIMEOUT : storeTimeout;
    breakerOpen = breakerOpen == null ? DEFAULT_BREAKER_OPEN : breakerOpen;
    if (storeTimeout.isNegative() || storeTimeout.isZero()) {
      throw new IllegalArgumentException(
          "storeTimeout: " + storeTimeout + " (expected: a positive duration)");
    }
    if (breakerOpen.isNegative() || breakerOpen.isZero()) {
      throw new IllegalArgumentException(
          "breakerOpen: " + breakerOpen + " (expected: a positive duration)");
    }
    if (trustedProxyDepth < 0) {
      throw new IllegalArgumentException(
          "trustedProxyDepth: " + trustedProxyDepth + " (expected: >= 0)");
    }
    if (localKeyCap < 1) {
      throw new IllegalArgumentException("localKeyCap: " + localKeyCap + " (expected: >= 1)");
    }
  }

  public static RateLimitSettings defaults() {
    return new RateLimitSettings(null, null, null, 0, true, DEFAULT_LOCAL_KEY_CAP);
  }

  public RateLimitSettings withRedisUrl(String url) {
    return new RateLimitSettings(
        url, storeTimeout, breakerOpen, trustedProxyDepth, headersOnAllowed, localKeyCap);
  }
}
