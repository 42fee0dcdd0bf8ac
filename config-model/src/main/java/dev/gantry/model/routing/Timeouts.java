package dev.gantry.model.routing;

import dev.gantry.model.Validator;

/**
 * Gateway API timeouts in milliseconds. {@code null} = not set (no limit from the route); {@code 0}
 * = explicitly disabled ({@code 0s}).
 *
 * @param requestMs the whole request, including retries; exceeded → 504
 * @param backendRequestMs each upstream attempt; exceeded → 504 (or a retry)
 */
public record Timeouts(Long requestMs, Long backendRequestMs) {

  public void validate(Validator v) {
    if (requestMs != null) {
      v.require(requestMs >= 0, "requestMs", requestMs, ">= 0");
    }
    if (backendRequestMs != null) {
      v.require(backendRequestMs >= 0, "backendRequestMs", backendRequestMs, ">= 0");
    }
    if (requestMs != null && requestMs > 0 && backendRequestMs != null && backendRequestMs > 0) {
      v.require(
          backendRequestMs <= requestMs,
          "backendRequestMs",
          backendRequestMs,
          "<= requestMs " + requestMs);
    }
  }
}
