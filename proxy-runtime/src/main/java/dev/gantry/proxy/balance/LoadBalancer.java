package dev.gantry.proxy.balance;

/**
 * Picks one endpoint of a cluster for a request. Implementations are built once per compiled
 * config, are called concurrently from every event loop, and must not block or allocate per pick.
 */
public interface LoadBalancer {

  /** No endpoint is available. */
  int NONE = -1;

  /**
   * The index of the chosen endpoint in {@code endpoints}, or {@link #NONE}.
   *
   * @param hash the request key's hash for consistent hashing (see {@link RequestHash}); ignored by
   *     the other algorithms
   */
  int pick(EndpointSet endpoints, long hash);
}
