package dev.gantry.proxy.observe;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The W3C Trace Context {@code traceparent} header (version 00): parsing a client's header and
 * writing the one sent upstream. Hand-written instead of the OpenTelemetry propagator because it
 * runs on every request, also with tracing off, and needs neither a Context nor a carrier adapter.
 *
 * @param traceId 32 lower-case hex characters, not all zero
 * @param spanId 16 lower-case hex characters, not all zero (the parent's span id when parsed)
 * @param flags the trace-flags byte; bit 0 = sampled
 */
public record TraceParent(String traceId, String spanId, byte flags) {
  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final String INVALID_TRACE = "00000000000000000000000000000000";
  private static final String INVALID_SPAN = "0000000000000000";

  public boolean sampled() {
    return (flags & 1) != 0;
  }

  /** {@code 00-<trace-id>-<span-id>-<flags>}. */
  public String header() {
    char[] c = new char[55];
    c[0] = '0';
    c[1] = '0';
    c[2] = '-';
    traceId.getChars(0, 32, c, 3);
    c[35] = '-';
    spanId.getChars(0, 16, c, 36);
    c[52] = '-';
    c[53] = HEX[(flags >> 4) & 0xf];
    c[54] = HEX[flags & 0xf];
    return new String(c);
  }

  /** The same trace with {@code spanId} as the parent of the next hop. */
  public TraceParent withSpan(String spanId) {
    return new TraceParent(traceId, spanId, flags);
  }

  /**
   * Parses a {@code traceparent} value, or returns null when it is absent or malformed (then the
   * spec says to start a new trace and drop {@code tracestate}). A version other than 00 is read as
   * 00 when its first four fields have the 00 layout, as the spec asks of future versions.
   */
  public static TraceParent parse(CharSequence v) {
    if (v == null || v.length() < 55) {
      return null;
    }
    int version = hexByte(v, 0);
    if (version < 0 || version == 0xff || (version == 0 && v.length() != 55)) {
      return null;
    }
    if (v.length() > 55 && v.charAt(55) != '-') {
      return null;
    }
    if (v.charAt(2) != '-' || v.charAt(35) != '-' || v.charAt(52) != '-') {
      return null;
    }
    String trace = v.subSequence(3, 35).toString();
    String span = v.subSequence(36, 52).toString();
    int flags = hexByte(v, 53);
    if (flags < 0 || !isLowerHex(trace) || !isLowerHex(span)) {
      return null;
    }
    if (trace.equals(INVALID_TRACE) || span.equals(INVALID_SPAN)) {
      return null;
    }
    return new TraceParent(trace, span, (byte) flags);
  }

  /** A new trace (random ids) with the given sampled flag. */
  public static TraceParent newTrace(boolean sampled) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi;
    long lo;
    do {
      hi = r.nextLong();
      lo = r.nextLong();
    } while (hi == 0 && lo == 0);
    return new TraceParent(hex(hi) + hex(lo), newSpanId(), (byte) (sampled ? 1 : 0));
  }

  /** A random non-zero span id. */
  public static String newSpanId() {
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return hex(id);
  }

  static String hex(long v) {
    char[] c = new char[16];
    for (int i = 15; i >= 0; i--) {
      c[i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
    return new String(c);
  }

  private static int hexByte(CharSequence v, int at) {
    int hi = hexDigit(v.charAt(at));
    int lo = hexDigit(v.charAt(at + 1));
    return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
  }

  /** Lower-case hex only: the spec forbids upper case in traceparent. */
  private static int hexDigit(char ch) {
    if (ch >= '0' && ch <= '9') {
      return ch - '0';
    }
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
  }

  private static boolean isLowerHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (hexDigit(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }
}
