package dev.gantry.translator.gateway;

import dev.gantry.model.SourceRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import java.util.ArrayList;
import java.util.List;

/** One of our Gateways while it is being translated: its listeners and Gateway-level verdicts. */
public final class GatewayContext {

  final Gateway gateway;
  final List<ListenerContext> listeners = new ArrayList<>();
  final List<GatewayStatusAddress> addresses = new ArrayList<>();

  /** {@code null} when nothing at Gateway level prevents acceptance. */
  String rejectReason;

  String rejectMessage;

  GatewayContext(Gateway gateway) {
    this.gateway = gateway;
  }

  public Gateway gateway() {
    return gateway;
  }

  public String namespace() {
    return gateway.getMetadata().getNamespace();
  }

  public String name() {
    return gateway.getMetadata().getName();
  }

  public String key() {
    return namespace() + "/" + name();
  }

  public SourceRef source() {
    return SourceRef.of("Gateway", namespace(), name());
  }

  public List<ListenerContext> listeners() {
    return listeners;
  }

  /** Accepted: no Gateway-level rejection and at least one usable listener. */
  public boolean accepted() {
    return rejectReason == null && listeners.stream().anyMatch(ListenerContext::accepted);
  }
}
