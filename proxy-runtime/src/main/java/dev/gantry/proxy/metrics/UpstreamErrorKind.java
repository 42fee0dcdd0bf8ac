package dev.gantry.proxy.metrics;

/**
 * Why an upstream attempt failed: the {@code kind} label of {@code gantry_upstream_errors_total}. A
 * closed set, so every cluster's counters are resolved when its config is compiled and a failure
 * costs an array index, not a label lookup.
 */
public enum UpstreamErrorKind {
  /** The TCP (or h2c) connection could not be opened. */
  CONNECT("connect"),
  /** The per-attempt or whole-request timeout fired. */
  TIMEOUT("timeout"),
  /** The upstream closed the connection before the response was complete. */
  RESET("reset"),
  /** An exception on the upstream connection (protocol error, I/O error). */
  ERROR("error"),
  /** Every endpoint of the cluster was unhealthy or ejected: answered 503 without trying. */
  NO_HEALTHY_ENDPOINT("no_healthy_endpoint"),
  /** A response whose status the rule retries on, so it was discarded. */
  RETRIED_STATUS("retried_status"),
  MIRROR_NO_ENDPOINT("mirror_no_endpoint"),
  MIRROR_CONNECT("mirror_connect"),
  MIRROR_TIMEOUT("mirror_timeout"),
  MIRROR_ERROR("mirror_error");

  private final String label;

  UpstreamErrorKind(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
