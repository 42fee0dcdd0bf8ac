package dev.gantry.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Collects validation errors while walking a config tree. Every message has the form {@code
 * "path.to.field: value (expected: rule)"} so that a NACK or a log line names exactly what is
 * wrong.
 */
public final class Validator {

  private final List<String> errors;
  private final String path;

  public Validator() {
    this(new ArrayList<>(), "");
  }

  private Validator(List<String> errors, String path) {
    this.errors = errors;
    this.path = path;
  }

  /** A validator for a nested field; errors land in the same list. */
  public Validator at(String field) {
    return new Validator(errors, path.isEmpty() ? field : path + "." + field);
  }

  /** A validator for element {@code index} of the list field {@code field}. */
  public Validator at(String field, int index) {
    return at(field + "[" + index + "]");
  }

  public void require(boolean condition, String field, Object value, String rule) {
    if (!condition) {
      fail(field, value, rule);
    }
  }

  public void fail(String field, Object value, String rule) {
    String fullPath =
        field == null || field.isEmpty() ? path : (path.isEmpty() ? field : path + "." + field);
    errors.add(fullPath + ": " + render(value) + " (expected: " + rule + ")");
  }

  /** Validates each element of a list with {@code check}, under {@code field[i]}. */
  public <T> void each(
      String field, List<T> items, java.util.function.BiConsumer<T, Validator> check) {
    for (int i = 0; i < items.size(); i++) {
      T item = items.get(i);
      Validator child = at(field, i);
      if (item == null) {
        child.fail(null, null, "non-null");
      } else {
        check.accept(item, child);
      }
    }
  }

  public void nested(String field, Object value, Consumer<Validator> check) {
    if (value != null) {
      check.accept(at(field));
    }
  }

  public List<String> errors() {
    return List.copyOf(errors);
  }

  public boolean ok() {
    return errors.isEmpty();
  }

  /** Throws {@link ConfigValidationException} when any error was collected. */
  public void throwIfInvalid() {
    if (!errors.isEmpty()) {
      throw new ConfigValidationException(errors());
    }
  }

  private static String render(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return s.isEmpty() ? "\"\"" : s;
    }
    return String.valueOf(value);
  }
}
