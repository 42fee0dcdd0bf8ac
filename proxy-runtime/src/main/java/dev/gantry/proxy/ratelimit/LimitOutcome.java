package dev.gantry.proxy.ratelimit;

import io.github.bucket4j.ConsumptionProbe;

/**
 * What one limit said about one request.
 *
 * @param limit the limit
 * @param allowed whether it lets the request through (a store failure with failureMode Open does)
 * @param storeFailed the Global store did not answer (error, timeout, breaker open)
 * @param remaining tokens left after this request (-1 when unknown: store failure)
 * @param resetSeconds seconds until the counter is full again (allowed) or until a token is back
 *     (limited)
 */
record LimitOutcome(
    CompiledLimit limit, boolean allowed, boolean storeFailed, long remaining, long resetSeconds) {

  static LimitOutcome of(CompiledLimit limit, ConsumptionProbe p) {
    if (p.isConsumed()) {
      limit.metrics().allowed();
      return new LimitOutcome(
          limit, true, false, p.getRemainingTokens(), seconds(p.getNanosToWaitForReset(), 0));
    }
    limit.metrics().limited();
    return new LimitOutcome(limit, false, false, 0, seconds(p.getNanosToWaitForRefill(), 1));
  }

  static LimitOutcome storeFailure(CompiledLimit limit, boolean failOpen) {
    limit.metrics().storeError();
    return new LimitOutcome(limit, failOpen, true, -1, 0);
  }

  /** Whole seconds, rounded up: a client told "1" must not come back before the token is there. */
  private static long seconds(long nanos, long min) {
    return Math.max(min, (nanos + 999_999_999L) / 1_000_000_000L);
  }
}
