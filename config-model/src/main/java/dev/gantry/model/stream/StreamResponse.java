package dev.gantry.model.stream;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.gantry.model.endpoints.EndpointsConfig;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.secrets.SecretsConfig;

/**
 * Operator → proxy: the parts that changed since the last response on this stream, each state of
 * the world for its type. A part left {@code null} is unchanged. Parts that change together travel
 * in one response and are applied together, so a listener and the certificate it needs can never
 * arrive in an order the proxy would have to reject (the ordering problem xDS solves with "make
 * before break" sequencing).
 */
public record StreamResponse(
    RoutingConfig routing, EndpointsConfig endpoints, SecretsConfig secrets) {

  /** The versions this response carries; {@code null} for a part it leaves unchanged. */
  @JsonIgnore
  public PartVersions versions() {
    return new PartVersions(
        routing == null ? null : routing.version(),
        endpoints == null ? null : endpoints.version(),
        secrets == null ? null : secrets.version());
  }

  @JsonIgnore
  public boolean isEmpty() {
    return routing == null && endpoints == null && secrets == null;
  }
}
