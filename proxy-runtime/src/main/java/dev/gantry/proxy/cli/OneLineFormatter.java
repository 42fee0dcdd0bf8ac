package dev.gantry.proxy.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * {@code 2026-11-28T10:00:00.123Z INFO StandaloneServer message} — one line per record, stack
 * traces after it.
 */
final class OneLineFormatter extends Formatter {

  @Override
  public String format(LogRecord r) {
    StringBuilder sb = new StringBuilder(128);
    sb.append(Instant.ofEpochMilli(r.getMillis()))
        .append(' ')
        .append(String.format("%-7s", r.getLevel().getName()))
        .append(' ')
        .append(simpleName(r.getLoggerName()))
        .append(' ')
        .append(formatMessage(r))
        .append(System.lineSeparator());
    if (r.getThrown() != null) {
      StringWriter sw = new StringWriter();
      r.getThrown().printStackTrace(new PrintWriter(sw));
      sb.append(sw);
    }
    return sb.toString();
  }

  private static String simpleName(String logger) {
    if (logger == null) {
      return "-";
    }
    int dot = logger.lastIndexOf('.');
    return dot < 0 ? logger : logger.substring(dot + 1);
  }
}
