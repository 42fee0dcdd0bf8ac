package dev.gantry.model.routing;

import dev.gantry.model.Validator;
import java.util.Locale;

/**
 * A request header match. The name is lower-case (header names are case-insensitive); the value is
 * case-sensitive.
 */
public record HeaderMatch(String name, ValueMatchType type, String value) {

  public void validate(Validator v) {
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
    if (name != null) {
      v.require(name.equals(name.toLowerCase(Locale.ROOT)), "name", name, "lower-case");
    }
    v.require(type != null, "type", type, "Exact or RegularExpression");
    v.require(value != null, "value", value, "non-null");
  }
}
