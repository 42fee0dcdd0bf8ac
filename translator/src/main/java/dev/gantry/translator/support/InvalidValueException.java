package dev.gantry.translator.support;

/**
 * A user-written value the translator cannot honour. Its message has the project's form {@code
 * "field: value (expected: rule)"} and ends up verbatim in a status condition; it never escapes the
 * translator.
 */
public final class InvalidValueException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  public InvalidValueException(String field, Object value, String rule) {
    this(field, value, rule, null);
  }

  /**
   * @param reason the condition reason to report, or {@code null} for the caller's default
   */
  public InvalidValueException(String field, Object value, String rule, String reason) {
    super(field + ": " + render(value) + " (expected: " + rule + ")");
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }

  private static String render(Object value) {
    if (value == null) {
      return "null";
    }
    String s = String.valueOf(value);
    return s.isEmpty() ? "\"\"" : s;
  }
}
