package dev.gantry.model.routing;

/** How a header or query parameter value is compared. */
public enum ValueMatchType {
  EXACT,
  REGULAR_EXPRESSION
}
