package dev.gantry.proxy.ratelimit;

/**
 * The verdict of all limits that apply to a request.
 *
 * @param status 0 = forward, 429 = limited, 503 = a Global store failed under failureMode Closed
 * @param rateLimit the {@code RateLimit} header value (IETF httpapi ratelimit-headers draft,
 *     structured-field form {@code "name";r=42;t=17}), or {@code null}
 * @param rateLimitPolicy the {@code RateLimit-Policy} header value ({@code "name";q=100;w=60}), on
 *     429 only
 * @param retryAfterSeconds the {@code Retry-After} value on 429, else 0
 */
public record RateLimitDecision(
    int status, String rateLimit, String rateLimitPolicy, long retryAfterSeconds) {

  static final RateLimitDecision ALLOW = new RateLimitDecision(0, null, null, 0);
  static final RateLimitDecision UNAVAILABLE = new RateLimitDecision(503, null, null, 0);

  public boolean allowed() {
    return status == 0;
  }

  static RateLimitDecision allowed(LimitOutcome tightest, boolean headers) {
    if (!headers || tightest == null) {
      return ALLOW;
    }
    return new RateLimitDecision(0, item(tightest), null, 0);
  }

  static RateLimitDecision limited(LimitOutcome o) {
    return new RateLimitDecision(429, item(o), o.limit().policyHeader(), o.resetSeconds());
  }

  private static String item(LimitOutcome o) {
    return "\"" + o.limit().name() + "\";r=" + o.remaining() + ";t=" + o.resetSeconds();
  }
}
