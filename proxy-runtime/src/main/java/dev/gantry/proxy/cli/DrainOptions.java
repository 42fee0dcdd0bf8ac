package dev.gantry.proxy.cli;

import dev.gantry.proxy.DrainSettings;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The graceful-shutdown options shared by {@code gantry proxy} and {@code gantry standalone}. Only
 * the default drain period differs: a fleet proxy sits behind a load balancer that must notice the
 * failing readiness first, a standalone one usually does not.
 */
final class DrainOptions {

  @Option(
      names = "--drain-period",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "After SIGTERM: how long /ready fails while listeners still accept and serve (HTTP/1.1"
              + " answers with Connection: close, HTTP/2 gets GOAWAY), e.g. 5s. Set it above the"
              + " load balancer's health-check interval x unhealthy threshold plus its propagation"
              + " delay (default: 5s for proxy, 0s for standalone).")
  Duration period;

  @Option(
      names = "--drain-timeout",
      converter = DurationConverter.class,
      defaultValue = "30s",
      paramLabel = "DURATION",
      description =
          "After the drain period the listeners close; requests in flight then get this long to"
              + " finish before their connections are cut (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  DrainSettings settings(Duration defaultPeriod) {
    return new DrainSettings(period == null ? defaultPeriod : period, timeout);
  }

  /** {@code 500ms}, {@code 5s}, {@code 1m30s}, {@code 0s} (GEP-2257 durations, as in the CRDs). */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern FULL = Pattern.compile("([0-9]{1,6}(h|ms|m|s))+");
    private static final Pattern PART = Pattern.compile("([0-9]{1,6})(h|ms|m|s)");

    @Override
    public Duration convert(String value) {
      if (value == null || !FULL.matcher(value).matches()) {
        throw new TypeConversionException(
            "'" + value + "' (expected: a duration such as 500ms, 5s, 1m30s)");
      }
      Duration d = Duration.ZERO;
      Matcher m = PART.matcher(value);
      while (m.find()) {
        long n = Long.parseLong(m.group(1));
        d =
            d.plus(
                switch (m.group(2)) {
                  case "h" -> Duration.ofHours(n);
                  case "m" -> Duration.ofMinutes(n);
                  case "s" -> Duration.ofSeconds(n);
                  default -> Duration.ofMillis(n);
                });
      }
      return d;
    }
  }
}
