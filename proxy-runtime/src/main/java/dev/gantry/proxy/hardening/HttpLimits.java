package dev.gantry.proxy.hardening;

/**
 * Limits on what a client may send, with the defaults every listener gets.
 *
 * @param maxHeaderCount header fields per request; more → 431
 * @param maxBodyBytes request body bytes; a larger Content-Length → 413 before anything is
 *     forwarded, a chunked body that grows past it → the connection is closed
 * @param headerTimeoutMillis from connection start (or the end of the previous response) to a
 *     complete request head; slower → 408 and close (slowloris)
 * @param maxConnections open downstream connections per proxy; a connection beyond it is closed at
 *     accept
 * @param maxConcurrentStreams HTTP/2 streams open at once per connection (SETTINGS)
 * @param maxResetsPerWindow RST_STREAM frames a client may send per {@code resetWindowSeconds}
 *     before the connection gets GOAWAY ENHANCE_YOUR_CALM (CVE-2023-44487, rapid reset)
 * @param resetWindowSeconds the window for {@code maxResetsPerWindow}
 */
public record HttpLimits(
    int maxHeaderCount,
    long maxBodyBytes,
    long headerTimeoutMillis,
    int maxConnections,
    int maxConcurrentStreams,
    int maxResetsPerWindow,
    int resetWindowSeconds) {

  /** Generous for APIs, tight enough that no single client can exhaust the proxy. */
  public static final HttpLimits DEFAULTS =
      new HttpLimits(100, 16L << 20, 30_000, 50_000, 250, 100, 1);
}
