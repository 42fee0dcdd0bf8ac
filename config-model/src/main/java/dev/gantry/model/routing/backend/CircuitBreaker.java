package dev.gantry.model.routing.backend;

import dev.gantry.model.Validator;

/**
 * Per-proxy limits for one cluster. Beyond any of them the proxy answers 503 at once with an {@code
 * x-gantry-overload} header naming the limit, instead of queueing.
 *
 * @param maxConnections open upstream connections to the cluster's endpoints
 * @param maxPendingRequests requests waiting for a connection
 * @param maxRequests requests in flight to the cluster
 * @param maxRetries retries in flight to the cluster
 */
public record CircuitBreaker(
    int maxConnections, int maxPendingRequests, int maxRequests, int maxRetries) {

  public static final CircuitBreaker DEFAULT = new CircuitBreaker(1024, 1024, 1024, 3);

  public void validate(Validator v) {
    v.require(maxConnections >= 1, "maxConnections", maxConnections, ">= 1");
    v.require(maxPendingRequests >= 0, "maxPendingRequests", maxPendingRequests, ">= 0");
    v.require(maxRequests >= 1, "maxRequests", maxRequests, ">= 1");
    v.require(maxRetries >= 0, "maxRetries", maxRetries, ">= 0");
  }
}
