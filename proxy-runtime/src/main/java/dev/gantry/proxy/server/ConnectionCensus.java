package dev.gantry.proxy.server;

/**
 * Downstream connections and the requests in progress on them, counted on each connection's own
 * event loop (see {@link DownstreamDrain#census}).
 *
 * @param connections open downstream connections
 * @param inFlight requests in progress: HTTP/1.1 exchanges, open HTTP/2 streams, and spliced
 *     WebSocket connections
 */
public record ConnectionCensus(long connections, long inFlight) {
  public static final ConnectionCensus NONE = new ConnectionCensus(0, 0);

  ConnectionCensus plus(ConnectionCensus o) {
    return new ConnectionCensus(connections + o.connections, inFlight + o.inFlight);
  }

  @Override
  public String toString() {
    return connections + " connections, " + inFlight + " requests in flight";
  }
}
