package dev.gantry.model.routing;

/** Gateway API path match types. */
public enum PathMatchType {
  /** Byte-exact, case-sensitive. */
  EXACT,
  /** Segment-wise prefix; a trailing {@code /} in the configured value is ignored. */
  PATH_PREFIX,
  /** An RE2-syntax regular expression that must match the whole path. */
  REGULAR_EXPRESSION
}
