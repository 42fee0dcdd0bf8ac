package dev.gantry.model.endpoints;

import dev.gantry.model.Validator;

/**
 * One backend endpoint, as an EndpointSlice reports it.
 *
 * @param address an IPv4/IPv6 address (or a host name for tests and standalone mode)
 * @param port the target port, already mapped from the Service port by name
 * @param ready the EndpointSlice {@code ready} condition
 * @param serving the {@code serving} condition (may be true while terminating)
 * @param terminating the {@code terminating} condition
 * @param zone the topology zone, or {@code null}
 */
public record Endpoint(
    String address, int port, boolean ready, boolean serving, boolean terminating, String zone) {

  public void validate(Validator v) {
    v.require(address != null && !address.isEmpty(), "address", address, "non-empty");
    v.require(port >= 1 && port <= 65535, "port", port, "1..65535");
  }
}
