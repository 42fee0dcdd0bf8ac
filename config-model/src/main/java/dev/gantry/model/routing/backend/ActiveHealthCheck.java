package dev.gantry.model.routing.backend;

import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.List;

/**
 * Periodic HTTP probes of every endpoint. An endpoint starts healthy; {@code unhealthyThreshold}
 * failed probes in a row take it out, {@code healthyThreshold} passing probes in a row bring it
 * back.
 *
 * @param path request path of the probe, starting with "/"
 * @param hostname Host header of the probe, or {@code null} for the endpoint address
 * @param expectedStatuses status ranges that count as healthy (default 200..399)
 * @param intervalMs time between probes of one endpoint
 * @param timeoutMs a probe without a complete response in this time fails
 */
public record ActiveHealthCheck(
    String path,
    String hostname,
    List<StatusRange> expectedStatuses,
    long intervalMs,
    long timeoutMs,
    int healthyThreshold,
    int unhealthyThreshold) {

  public static final List<StatusRange> DEFAULT_STATUSES = List.of(new StatusRange(200, 399));
  public static final long DEFAULT_INTERVAL_MS = 5_000;
  public static final long DEFAULT_TIMEOUT_MS = 1_000;
  public static final int DEFAULT_HEALTHY_THRESHOLD = 1;
  public static final int DEFAULT_UNHEALTHY_THRESHOLD = 2;

  public ActiveHealthCheck {
    expectedStatuses = Lists.copy(expectedStatuses);
    if (expectedStatuses.isEmpty()) {
      expectedStatuses = DEFAULT_STATUSES;
    }
  }

  /** True when {@code status} counts as a passing probe. */
  public boolean expects(int status) {
    for (StatusRange r : expectedStatuses) {
      if (r.contains(status)) {
        return true;
      }
    }
    return false;
  }

  public void validate(Validator v) {
    v.require(path != null && path.startsWith("/"), "path", path, "starts with /");
    v.each("expectedStatuses", expectedStatuses, StatusRange::validate);
    v.require(intervalMs >= 100, "intervalMs", intervalMs, ">= 100");
    v.require(timeoutMs > 0, "timeoutMs", timeoutMs, "> 0");
    v.require(timeoutMs <= intervalMs, "timeoutMs", timeoutMs, "<= intervalMs " + intervalMs);
    v.require(healthyThreshold >= 1, "healthyThreshold", healthyThreshold, ">= 1");
    v.require(unhealthyThreshold >= 1, "unhealthyThreshold", unhealthyThreshold, ">= 1");
  }

  /** An inclusive range of HTTP status codes. */
  public record StatusRange(int from, int to) {
    public boolean contains(int status) {
      return status >= from && status <= to;
    }

    public void validate(Validator v) {
      v.require(from >= 100 && from <= 599, "from", from, "100..599");
      v.require(to >= from && to <= 599, "to", to, from + "..599");
    }
  }
}
