package dev.gantry.model;

import java.util.List;

/**
 * A config that breaks one or more rules; {@link #errors()} lists them all, each naming its field.
 */
public final class ConfigValidationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final List<String> errors;

  public ConfigValidationException(List<String> errors) {
    super(String.join("; ", errors));
    this.errors = List.copyOf(errors);
  }

  public List<String> errors() {
    return errors;
  }
}
