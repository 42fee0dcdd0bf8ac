package dev.gantry.model.routing.backend;

import dev.gantry.model.Validator;

/**
 * Passive health: endpoints that fail real requests are ejected for a while. The n-th ejection of
 * an endpoint lasts {@code baseEjectionMs * 2^(n-1)}, capped at {@code maxEjectionMs}; a success
 * after its return resets n. Ejection never takes more than {@code maxEjectedPercent} of a
 * cluster's endpoints out (at least one endpoint may always be ejected when there are two or more),
 * so a bad minute cannot empty a whole backend.
 *
 * @param enabled false turns passive health off for the cluster
 * @param consecutive5xx responses 500..599 in a row that eject an endpoint
 * @param consecutiveConnectFailures connect failures, resets and timeouts in a row that eject
 */
public record OutlierDetection(
    boolean enabled,
    int consecutive5xx,
    int consecutiveConnectFailures,
    long baseEjectionMs,
    long maxEjectionMs,
    int maxEjectedPercent) {

  public static final OutlierDetection DEFAULT =
      new OutlierDetection(true, 5, 3, 10_000, 300_000, 50);

  public void validate(Validator v) {
    v.require(consecutive5xx >= 1, "consecutive5xx", consecutive5xx, ">= 1");
    v.require(
        consecutiveConnectFailures >= 1,
        "consecutiveConnectFailures",
        consecutiveConnectFailures,
        ">= 1");
    v.require(baseEjectionMs >= 1, "baseEjectionMs", baseEjectionMs, ">= 1");
    v.require(
        maxEjectionMs >= baseEjectionMs,
        "maxEjectionMs",
        maxEjectionMs,
        ">= baseEjectionMs " + baseEjectionMs);
    v.require(
        maxEjectedPercent >= 0 && maxEjectedPercent <= 100,
        "maxEjectedPercent",
        maxEjectedPercent,
        "0..100");
  }
}
