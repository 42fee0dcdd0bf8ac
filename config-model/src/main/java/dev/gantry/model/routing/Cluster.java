package dev.gantry.model.routing;

import dev.gantry.model.SourceRef;
import dev.gantry.model.Validator;

/**
 * An upstream cluster: one Service port. Its endpoints travel in the endpoints part under the same
 * name.
 *
 * @param name stable id, e.g. {@code service/ns/name/8080}
 * @param source the Service (section = the Service port number)
 * @param protocol how to speak to the endpoints
 */
public record Cluster(String name, SourceRef source, AppProtocol protocol) {

  public Cluster {
    protocol = protocol == null ? AppProtocol.HTTP1 : protocol;
  }

  public void validate(Validator v) {
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
    v.require(source != null, "source", source, "non-null");
  }
}
