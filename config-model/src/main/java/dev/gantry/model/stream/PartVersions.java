package dev.gantry.model.stream;

import dev.gantry.model.GatewaySnapshot;

/**
 * The content-hash versions of the three parts of a snapshot. A proxy reports the versions it runs
 * (its ACK); an empty field means the proxy has no such part yet.
 */
public record PartVersions(String routing, String endpoints, String secrets) {

  public static final PartVersions NONE = new PartVersions(null, null, null);

  public static PartVersions of(GatewaySnapshot s) {
    return s == null
        ? NONE
        : new PartVersions(s.routing().version(), s.endpoints().version(), s.secrets().version());
  }
}
