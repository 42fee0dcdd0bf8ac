package dev.gantry.operator.stream;

import dev.gantry.model.stream.PartVersions;
import dev.gantry.model.stream.Rejection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What each connected proxy of each Gateway runs and what it last refused: the data behind the
 * Gateway's {@code Programmed} condition. A proxy is forgotten when its stream closes.
 */
public final class ProxyAcks {

  /** One connected proxy's state. */
  public record ProxyState(PartVersions applied, Rejection lastRejection) {}

  /**
   * The fleet's view of one routing version.
   *
   * @param connected proxies with an open stream
   * @param acked those that run the routing version asked about
   * @param rejection a NACK of that version by some proxy, or null
   */
  public record RoutingProgress(int connected, int acked, String rejection) {}

  private final Map<String, Map<String, ProxyState>> byGateway = new ConcurrentHashMap<>();
  // Which stream currently speaks for a proxy: a proxy that reconnects before its old stream's
  // cancellation arrives must not be forgotten when that old stream closes.
  private final Map<String, Object> owners = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  /** Called with the gateway key whenever one of its proxies connects, ACKs, NACKs or leaves. */
  public void onChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  void record(
      String gatewayKey, String nodeId, Object stream, PartVersions applied, Rejection rejection) {
    owners.put(gatewayKey + "|" + nodeId, stream);
    ProxyState next = new ProxyState(applied, rejection);
    ProxyState prev =
        byGateway.computeIfAbsent(gatewayKey, k -> new ConcurrentHashMap<>()).put(nodeId, next);
    if (!next.equals(prev)) {
      fire(gatewayKey);
    }
  }

  void forget(String gatewayKey, String nodeId, Object stream) {
    if (!owners.remove(gatewayKey + "|" + nodeId, stream)) {
      return;
    }
    Map<String, ProxyState> proxies = byGateway.get(gatewayKey);
    if (proxies != null && proxies.remove(nodeId) != null) {
      fire(gatewayKey);
    }
  }

  public RoutingProgress routingProgress(String gatewayKey, String routingVersion) {
    Map<String, ProxyState> proxies = byGateway.getOrDefault(gatewayKey, Map.of());
    int acked = 0;
    String rejection = null;
    for (ProxyState p : proxies.values()) {
      if (Objects.equals(p.applied().routing(), routingVersion)) {
        acked++;
      }
      Rejection r = p.lastRejection();
      if (r != null && Objects.equals(r.versions().routing(), routingVersion)) {
        rejection = r.reason();
      }
    }
    return new RoutingProgress(proxies.size(), acked, rejection);
  }

  /** How many connected proxies of the Gateway run all of {@code versions}. */
  public int countRunning(String gatewayKey, PartVersions versions) {
    return (int)
        byGateway.getOrDefault(gatewayKey, Map.of()).values().stream()
            .filter(p -> p.applied().equals(versions))
            .count();
  }

  /**
   * Connected proxies of the Gateway that applied all three parts, i.e. serve traffic: the divisor
   * of a Gateway-wide Local rate limit. A proxy that only said hello is not counted yet.
   */
  public int readyProxies(String gatewayKey) {
    return (int)
        byGateway.getOrDefault(gatewayKey, Map.of()).values().stream()
            .filter(
                p ->
                    p.applied() != null
                        && p.applied().routing() != null
                        && p.applied().endpoints() != null
                        && p.applied().secrets() != null)
            .count();
  }

  /** Proxies with an open stream to this replica, over all Gateways. */
  public int connectedProxies() {
    int n = 0;
    for (Map<String, ProxyState> proxies : byGateway.values()) {
      n += proxies.size();
    }
    return n;
  }

  public Optional<ProxyState> proxy(String gatewayKey, String nodeId) {
    return Optional.ofNullable(byGateway.getOrDefault(gatewayKey, Map.of()).get(nodeId));
  }

  private void fire(String gatewayKey) {
    for (Consumer<String> l : listeners) {
      l.accept(gatewayKey);
    }
  }
}
