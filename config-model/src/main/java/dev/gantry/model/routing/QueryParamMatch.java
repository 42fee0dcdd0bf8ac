package dev.gantry.model.routing;

import dev.gantry.model.Validator;

/**
 * A query parameter match. The name is compared exactly and case-sensitively; the first occurrence
 * counts.
 */
public record QueryParamMatch(String name, ValueMatchType type, String value) {

  public void validate(Validator v) {
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
    v.require(type != null, "type", type, "Exact or RegularExpression");
    v.require(value != null, "value", value, "non-null");
  }
}
