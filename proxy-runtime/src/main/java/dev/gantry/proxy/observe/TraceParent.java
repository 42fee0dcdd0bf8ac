package dev.gantry.proxy.observe;

import io.netty.util.AsciiString;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The W3C Trace Context {@code traceparent} header (version 00): parsing a client's header and
 * writing the one sent upstream. Hand-written instead of the OpenTelemetry propagator because it
 * runs on every request, also with tracing off, and needs neither a Context nor a carrier adapter.
 *
 * <p>The ids are kept as numbers and written straight into the header's 55 bytes: this runs for
 * every proxied request, and building the hex strings first was a sixth of the proxy's allocation
 * per request (async-profiler, allocation mode). The hex strings are made only for access logs and
 * exported spans.
 *
 * @param traceHi the upper 64 bits of the 128-bit trace id
 * @param traceLo the lower 64 bits; the trace id is never all zero
 * @param span the 64-bit span id, never zero (the parent's span id when parsed)
 * @param flags the trace-flags byte; bit 0 = sampled
 */
public record TraceParent(long traceHi, long traceLo, long span, byte flags) {
  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** From the lower-case hex ids of another implementation (the OpenTelemetry SDK). */
  public static TraceParent of(String traceId, String spanId, byte flags) {
    return new TraceParent(hexLong(traceId, 0), hexLong(traceId, 16), hexLong(spanId, 0), flags);
  }

  public boolean sampled() {
    return (flags & 1) != 0;
  }

  /** The trace id as 32 lower-case hex characters. */
  public String traceId() {
    byte[] b = new byte[32];
    writeHex(b, 0, traceHi);
    writeHex(b, 16, traceLo);
    return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** The span id as 16 lower-case hex characters. */
  public String spanId() {
    byte[] b = new byte[16];
    writeHex(b, 0, span);
    return new String(b, java.nio.charset.StandardCharsets.US_ASCII);
  }

  /** {@code 00-<trace-id>-<span-id>-<flags>}, one array and no copy. */
  public AsciiString header() {
    byte[] b = new byte[55];
    b[0] = '0';
    b[1] = '0';
    b[2] = '-';
    writeHex(b, 3, traceHi);
    writeHex(b, 19, traceLo);
    b[35] = '-';
    writeHex(b, 36, span);
    b[52] = '-';
    b[53] = HEX[(flags >> 4) & 0xf];
    b[54] = HEX[flags & 0xf];
    return new AsciiString(b, false);
  }

  /** The same trace with {@code span} as the parent of the next hop. */
  public TraceParent withSpan(long span) {
    return new TraceParent(traceHi, traceLo, span, flags);
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
    int flags = hexByte(v, 53);
    if (flags < 0 || !isLowerHex(v, 3, 35) || !isLowerHex(v, 36, 52)) {
      return null;
    }
    long hi = hexLong(v, 3);
    long lo = hexLong(v, 19);
    long span = hexLong(v, 36);
    if ((hi == 0 && lo == 0) || span == 0) {
      return null;
    }
    return new TraceParent(hi, lo, span, (byte) flags);
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
    return new TraceParent(hi, lo, newSpanId(), (byte) (sampled ? 1 : 0));
  }

  /** A random non-zero span id. */
  public static long newSpanId() {
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return id;
  }

  private static void writeHex(byte[] b, int at, long v) {
    writeHex(b, at, v, 16);
  }

  /**
   * Writes the lowest {@code digits} hex digits of {@code v} into {@code b} from {@code at}, lower
   * case (also the proxy's request ids: ids written straight into the bytes a header carries).
   */
  public static void writeHex(byte[] b, int at, long v, int digits) {
    for (int i = at + digits - 1; i >= at; i--) {
      b[i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  /** 16 hex characters from {@code at}; the caller has checked they are lower-case hex. */
  private static long hexLong(CharSequence v, int at) {
    long r = 0;
    for (int i = at; i < at + 16; i++) {
      r = r << 4 | hexDigit(v.charAt(i));
    }
    return r;
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

  private static boolean isLowerHex(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (hexDigit(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }
}
