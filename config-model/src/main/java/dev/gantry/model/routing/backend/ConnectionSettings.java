package dev.gantry.model.routing.backend;

import dev.gantry.model.Validator;

/**
 * Upstream connections of a cluster.
 *
 * @param connectTimeoutMs TCP connect timeout
 * @param idleTimeoutMs an idle pooled connection is closed after this
 * @param maxRequestsPerConnection an HTTP/1.1 connection is closed after this many requests (0 =
 *     unlimited)
 * @param maxConcurrentStreams for h2c clusters: streams per connection before another connection is
 *     opened
 */
public record ConnectionSettings(
    long connectTimeoutMs,
    long idleTimeoutMs,
    int maxRequestsPerConnection,
    int maxConcurrentStreams) {

  public static final ConnectionSettings DEFAULT = new ConnectionSettings(5_000, 60_000, 0, 100);

  public void validate(Validator v) {
    v.require(connectTimeoutMs >= 1, "connectTimeoutMs", connectTimeoutMs, ">= 1");
    v.require(idleTimeoutMs >= 1, "idleTimeoutMs", idleTimeoutMs, ">= 1");
    v.require(
        maxRequestsPerConnection >= 0,
        "maxRequestsPerConnection",
        maxRequestsPerConnection,
        ">= 0");
    v.require(maxConcurrentStreams >= 1, "maxConcurrentStreams", maxConcurrentStreams, ">= 1");
  }
}
