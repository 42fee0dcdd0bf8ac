package dev.gantry.model.routing.filter;

import dev.gantry.model.Validator;

/** A header name and value as written by the user; names are matched case-insensitively. */
public record Header(String name, String value) {

  public void validate(Validator v) {
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
    v.require(value != null, "value", value, "non-null");
  }
}
