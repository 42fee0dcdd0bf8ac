package dev.gantry.proxy.route;

import dev.gantry.model.routing.RetryPolicy;
import dev.gantry.model.routing.backend.SessionPersistence;
import dev.gantry.proxy.filter.FilterStep;

/**
 * What happens to a matched request: rule filters, then a direct response or a weighted backend.
 *
 * @param name the rule name
 * @param filters rule-level filters in list order
 * @param directResponseStatus answer with this status without forwarding, or 0
 * @param backends the weighted backend choice
 * @param requestTimeoutMs whole-request timeout (0 = none)
 * @param backendTimeoutMs per-attempt timeout (0 = none)
 * @param retry the retry policy or null
 * @param retryCodes status codes that trigger a retry, as a lookup table indexed by status
 * @param needsBody true when the request body must be kept for a replay (retry) or a mirror copy
 * @param sessionPersistence the rule's session persistence, or null
 */
public record CompiledRule(
    String name,
    FilterStep[] filters,
    int directResponseStatus,
    BackendPicker backends,
    long requestTimeoutMs,
    long backendTimeoutMs,
    RetryPolicy retry,
    boolean[] retryCodes,
    boolean needsBody,
    SessionPersistence sessionPersistence) {

  public boolean retriesOn(int status) {
    return retry != null && status >= 0 && status < retryCodes.length && retryCodes[status];
  }
}
