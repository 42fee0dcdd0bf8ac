package dev.gantry.proxy.balance;

/**
 * The endpoints of one cluster as a balancer sees them: a fixed order for the life of one compiled
 * config, with live state that changes between picks.
 */
public interface EndpointSet {

  int size();

  /** True when endpoint {@code i} may get traffic: healthy by active checks and not ejected. */
  boolean available(int i);

  /** Requests this proxy has in flight to endpoint {@code i}. */
  int activeRequests(int i);

  /** {@link System#nanoTime()} when endpoint {@code i} joined the cluster (slow start). */
  long addedAtNanos(int i);
}
