package dev.gantry.proxy.control;

import dev.gantry.model.GatewaySnapshot;

/**
 * Where a complete, validated snapshot goes: the proxy's hot-reload entry point ({@code
 * GantryProxy.apply}). Throwing refuses the snapshot: the client NACKs with the exception's message
 * and the proxy must still serve what it served before.
 */
@FunctionalInterface
public interface SnapshotSink {
  void apply(GatewaySnapshot snapshot) throws Exception;

  /**
   * The Gateway's ready proxy count, sent by the operator beside the parts (Gateway-wide Local rate
   * limits divide by it). Ignored by sinks that do not rate-limit.
   */
  default void readyReplicas(int replicas) {}
}
