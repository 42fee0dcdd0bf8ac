package dev.gantry.translator.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GEP-2257 durations ({@code 1h30m}, {@code 500ms}, {@code 0s}). The format is deliberately a
 * strict subset of Go's: at most four number+unit pairs of up to five digits each, units h, m, s,
 * ms; a bare {@code 0} or a day unit is invalid.
 */
public final class Durations {

  private static final Pattern FORMAT = Pattern.compile("^([0-9]{1,5}(h|m|s|ms)){1,4}$");
  private static final Pattern PART = Pattern.compile("([0-9]{1,5})(ms|h|m|s)");

  public static final String RULE = "a GEP-2257 duration such as 500ms or 1h30m";

  private Durations() {}

  /**
   * The duration in milliseconds.
   *
   * @throws InvalidValueException naming {@code field} when the value is not a GEP-2257 duration
   */
  public static long toMillis(String field, String value) {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new InvalidValueException(field, value, RULE);
    }
    long ms = 0;
    Matcher m = PART.matcher(value);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      ms +=
          switch (m.group(2)) {
            case "h" -> n * 3_600_000L;
            case "m" -> n * 60_000L;
            case "s" -> n * 1_000L;
            default -> n;
          };
    }
    return ms;
  }
}
