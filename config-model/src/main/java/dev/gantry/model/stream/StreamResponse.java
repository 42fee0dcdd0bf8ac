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
 * before break" sequencing). {@code readyReplicas}, when set, is the number of ready proxies of the
 * Gateway ({@code null} = unchanged).
 */
public record StreamResponse(
    RoutingConfig routing,
    EndpointsConfig endpoints,
    SecretsConfig secrets,
    Integer readyReplicas) {

  /**
   * A response without a fleet size. The ready replica count travels beside the parts, not in them:
   * it changes with scaling, and a Local Gateway-wide rate limit divides by it, but it must not
   * change the routing version (scaling is not a config change to ACK).
   */
  public StreamResponse(RoutingConfig routing, EndpointsConfig endpoints, SecretsConfig secrets) {
    this(routing, endpoints, secrets, null);
  }

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
    return routing == null && endpoints == null && secrets == null && readyReplicas == null;
  }
}
