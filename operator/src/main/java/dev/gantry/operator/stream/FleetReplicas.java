package dev.gantry.operator.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The ready replica count of each Gateway's proxy fleet, as its Deployment's {@code
 * status.readyReplicas} reports it, and the divisor of a Gateway-wide Local rate limit derived from
 * it ({@link #divisor}).
 *
 * <p>Every operator replica keeps its own copy from its own Deployment informer, so each one tells
 * the proxies connected to it the same Gateway-wide number, whichever replica they picked.
 */
public final class FleetReplicas {

  private final Map<String, Integer> ready = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  /** Called with the Gateway key whenever its Deployment's ready count changed. */
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  /**
   * Records the fleet Deployment's {@code status.readyReplicas} (null, as the API server omits a
   * zero, counts as 0).
   */
  public void deploymentReady(String gatewayKey, Integer readyReplicas) {
    int n = readyReplicas == null ? 0 : Math.max(0, readyReplicas);
    Integer previous = ready.put(gatewayKey, n);
    if (previous == null || previous != n) {
      fire(gatewayKey);
    }
  }

  /** The fleet Deployment is gone (the Gateway was deleted, or the Deployment by hand). */
  public void deploymentDeleted(String gatewayKey) {
    if (ready.remove(gatewayKey) != null) {
      fire(gatewayKey);
    }
  }

  /** The Deployment's last reported ready count, or 0 when there is no Deployment (yet). */
  public int reportedReady(String gatewayKey) {
    return ready.getOrDefault(gatewayKey, 0);
  }

  /**
   * How many proxies share a Gateway-wide Local limit: {@code max(deployment ready, ready proxies
   * connected here, 1)}.
   *
   * <p>Why the maximum: the two errors are not alike. Dividing by a number smaller than the proxies
   * really serving over-admits (each admits {@code N / divisor}, together more than {@code N}): the
   * silent multiplication the limit exists to prevent, and nobody notices it. Dividing by a larger
   * number under-admits: stricter than written, visible as early 429s, and it heals as soon as the
   * count catches up. A limit promises a maximum, so when the sources disagree we take the larger.
   *
   * <ul>
   *   <li>The Deployment's count is Gateway-wide (what the Service balances over) and so the right
   *       number in the steady state, in particular with several operator replicas, each of which
   *       sees only the proxies connected to it.
   *   <li>It is missing or 0 before the first apply, while this replica's informer syncs, after the
   *       Deployment was deleted while its pods still drain, or when the proxies are not run by our
   *       Deployment at all (a proxy started by hand against the operator). Every proxy connected
   *       here with a complete snapshot is serving (or about to), so that count is a lower bound of
   *       the truth: using it is never worse than the Deployment's 0.
   *   <li>When more proxies are connected here than the Deployment reports ready, some have applied
   *       their snapshot but their readiness probe has not passed yet (no traffic yet) and the
   *       status lags: the larger count under-admits for that probe period instead of
   *       over-admitting.
   *   <li>Never below 1: the proxy asking is about to serve, and a divisor of 0 has no meaning.
   * </ul>
   */
  public int divisor(String gatewayKey, int readyProxiesConnectedHere) {
    return Math.max(1, Math.max(reportedReady(gatewayKey), readyProxiesConnectedHere));
  }

  private void fire(String gatewayKey) {
    for (Consumer<String> l : listeners) {
      l.accept(gatewayKey);
    }
  }
}
