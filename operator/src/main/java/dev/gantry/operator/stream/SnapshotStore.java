package dev.gantry.operator.stream;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.endpoints.EndpointsConfig;
import dev.gantry.model.routing.Cluster;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The current snapshot of every Gateway this operator replica serves, and the streams waiting for
 * it. Routing and secrets come from the last translation; the endpoints part is replaced on its own
 * by {@link #updateEndpoints} so that EndpointSlice churn reaches proxies without a re-translation.
 *
 * <p>Every replica holds a store (all replicas serve snapshots; only status writing is
 * leader-only).
 */
public final class SnapshotStore {

  private final Map<String, GatewaySnapshot> current = new ConcurrentHashMap<>();
  private final Map<String, Set<Consumer<GatewaySnapshot>>> subscribers = new ConcurrentHashMap<>();

  /**
   * Publishes the snapshot of a Gateway; subscribers are told only if some part's version changed.
   *
   * @return true if the snapshot differs from the previous one
   */
  public boolean publish(String gatewayKey, GatewaySnapshot snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    GatewaySnapshot previous = current.put(gatewayKey, snapshot);
    if (previous != null && previous.version().equals(snapshot.version())) {
      return false;
    }
    notifySubscribers(gatewayKey, snapshot);
    return true;
  }

  /**
   * Replaces only the endpoints part of a Gateway's snapshot (the EDS-like fast path).
   *
   * @return true if the Gateway has a snapshot and its endpoints version changed
   */
  public boolean updateEndpoints(String gatewayKey, EndpointsConfig endpoints) {
    GatewaySnapshot[] changed = new GatewaySnapshot[1];
    current.computeIfPresent(
        gatewayKey,
        (k, s) -> {
          if (s.endpoints().version().equals(endpoints.version())) {
            return s;
          }
          changed[0] = GatewaySnapshot.of(s.gateway(), s.routing(), endpoints, s.secrets());
          return changed[0];
        });
    if (changed[0] == null) {
      return false;
    }
    notifySubscribers(gatewayKey, changed[0]);
    return true;
  }

  public void remove(String gatewayKey) {
    current.remove(gatewayKey);
  }

  public Optional<GatewaySnapshot> get(String gatewayKey) {
    return Optional.ofNullable(current.get(gatewayKey));
  }

  /** The Gateways whose routing has a cluster whose name starts with {@code prefix}. */
  public Set<String> gatewaysWithClusterPrefix(String prefix) {
    return current.entrySet().stream()
        .filter(
            e ->
                e.getValue().routing().clusters().stream()
                    .map(Cluster::name)
                    .anyMatch(n -> n.startsWith(prefix)))
        .map(Map.Entry::getKey)
        .collect(Collectors.toSet());
  }

  public Set<String> gatewayKeys() {
    return Set.copyOf(current.keySet());
  }

  /** Registers a listener for a Gateway; it is called at once with the current snapshot if any. */
  public Runnable subscribe(String gatewayKey, Consumer<GatewaySnapshot> listener) {
    subscribers.computeIfAbsent(gatewayKey, k -> new CopyOnWriteArraySet<>()).add(listener);
    GatewaySnapshot now = current.get(gatewayKey);
    if (now != null) {
      listener.accept(now);
    }
    return () -> {
      Set<Consumer<GatewaySnapshot>> set = subscribers.get(gatewayKey);
      if (set != null) {
        set.remove(listener);
      }
    };
  }

  private void notifySubscribers(String gatewayKey, GatewaySnapshot snapshot) {
    for (Consumer<GatewaySnapshot> l : subscribers.getOrDefault(gatewayKey, Set.of())) {
      l.accept(snapshot);
    }
  }
}
