package dev.gantry.proxy.cli;

import dev.gantry.proxy.hardening.HttpLimits;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The client limits shared by {@code gantry proxy} and {@code gantry standalone}; the operator
 * renders them from a Gateway's GantryProxyConfig {@code spec.limits}. An option left out keeps
 * {@link HttpLimits#DEFAULTS}.
 */
final class HttpLimitOptions {

  @Option(
      names = "--max-request-headers",
      converter = PositiveInt.class,
      paramLabel = "COUNT",
      description = "Header fields per request; more → 431 (default: 100).")
  Integer maxRequestHeaders;

  @Option(
      names = "--max-request-body",
      converter = ByteSize.class,
      paramLabel = "SIZE",
      description =
          "Request body size, bytes or a quantity such as 16Mi, 512Ki, 1M; a larger body → 413"
              + " (default: 16Mi).")
  Long maxRequestBody;

  @Option(
      names = "--request-header-timeout",
      converter = PositiveDuration.class,
      paramLabel = "DURATION",
      description =
          "Time to receive a complete request head, e.g. 10s; slower → 408 and close (default:"
              + " 30s).")
  Duration requestHeaderTimeout;

  @Option(
      names = "--max-connections",
      converter = PositiveInt.class,
      paramLabel = "COUNT",
      description = "Open client connections; more are closed at accept (default: 50000).")
  Integer maxConnections;

  @Option(
      names = "--max-concurrent-streams",
      converter = PositiveInt.class,
      paramLabel = "COUNT",
      description = "HTTP/2 streams open at once per connection (default: 250).")
  Integer maxConcurrentStreams;

  /** The options given over {@link HttpLimits#DEFAULTS}. */
  HttpLimits limits() {
    HttpLimits d = HttpLimits.DEFAULTS;
    return new HttpLimits(
        maxRequestHeaders != null ? maxRequestHeaders : d.maxHeaderCount(),
        maxRequestBody != null ? maxRequestBody : d.maxBodyBytes(),
        requestHeaderTimeout != null ? requestHeaderTimeout.toMillis() : d.headerTimeoutMillis(),
        maxConnections != null ? maxConnections : d.maxConnections(),
        maxConcurrentStreams != null ? maxConcurrentStreams : d.maxConcurrentStreams(),
        d.maxResetsPerWindow(),
        d.resetWindowSeconds());
  }

  /** A count of at least 1: a zero limit would refuse every request. */
  static final class PositiveInt implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int n = Integer.parseInt(value);
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // Falls through to the message below.
      }
      throw new TypeConversionException(value + " (expected: a whole number of at least 1)");
    }
  }

  /**
   * Bytes, or a Kubernetes-style quantity with a binary (Ki, Mi, Gi) or decimal (k, M, G) suffix,
   * the notations GantryProxyConfig's {@code maxRequestBodySize} accepts for whole byte counts.
   */
  static final class ByteSize implements ITypeConverter<Long> {
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,18})(Ki|Mi|Gi|Ti|k|M|G|T)?");

    @Override
    public Long convert(String value) {
      Matcher m = value == null ? null : SIZE.matcher(value);
      if (m != null && m.matches()) {
        long n = Long.parseLong(m.group(1));
        long unit =
            m.group(2) == null
                ? 1
                : switch (m.group(2)) {
                  case "Ki" -> 1L << 10;
                  case "Mi" -> 1L << 20;
                  case "Gi" -> 1L << 30;
                  case "Ti" -> 1L << 40;
                  case "k" -> 1_000L;
                  case "M" -> 1_000_000L;
                  case "G" -> 1_000_000_000L;
                  default -> 1_000_000_000_000L;
                };
        try {
          long bytes = Math.multiplyExact(n, unit);
          if (bytes >= 1) {
            return bytes;
          }
        } catch (ArithmeticException tooLarge) {
          // Falls through to the message below.
        }
      }
      throw new TypeConversionException(
          value + " (expected: bytes or a quantity like 16Mi, at least 1 byte)");
    }
  }

  /** A GEP-2257 duration greater than zero (a zero header timeout would time out every client). */
  static final class PositiveDuration implements ITypeConverter<Duration> {
    private final DrainOptions.DurationConverter durations = new DrainOptions.DurationConverter();

    @Override
    public Duration convert(String value) {
      Duration d = durations.convert(value);
      if (d.isZero()) {
        throw new TypeConversionException(value + " (expected: a duration greater than zero)");
      }
      return d;
    }
  }
}
