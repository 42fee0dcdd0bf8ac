package dev.gantry.model.routing;

import dev.gantry.model.Validator;

/**
 * A path match. For {@link PathMatchType#PATH_PREFIX} the value is stored without a trailing slash
 * (except for the root {@code /}), so the proxy never has to normalise it per request.
 */
public record PathMatch(PathMatchType type, String value) {

  public static final PathMatch ROOT = new PathMatch(PathMatchType.PATH_PREFIX, "/");

  public void validate(Validator v) {
    v.require(type != null, "type", type, "Exact, PathPrefix or RegularExpression");
    v.require(value != null && !value.isEmpty(), "value", value, "non-empty");
    if (value != null && type != PathMatchType.REGULAR_EXPRESSION) {
      v.require(value.startsWith("/"), "value", value, "starts with /");
    }
    if (value != null && type == PathMatchType.PATH_PREFIX && value.length() > 1) {
      v.require(!value.endsWith("/"), "value", value, "no trailing / on a normalised prefix");
    }
  }
}
