package dev.gantry.model.routing;

import dev.gantry.model.Validator;

/**
 * A reference from a rule or listener to a policy entry in the routing part (e.g. a rate limit).
 */
public record PolicyRef(String kind, String name) {

  public void validate(Validator v) {
    v.require(kind != null && !kind.isEmpty(), "kind", kind, "non-empty");
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
  }
}
