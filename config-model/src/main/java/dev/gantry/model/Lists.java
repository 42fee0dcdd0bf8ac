package dev.gantry.model;

import java.util.List;

/** Null-tolerant immutable copies, so records read from JSON never hold {@code null} lists. */
public final class Lists {

  private Lists() {}

  public static <T> List<T> copy(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  public static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
