package dev.gantry.proxy.balance;

import dev.gantry.model.routing.backend.HashOn;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The consistent-hash key of a request: a header value, a cookie value or the client IP, hashed
 * with {@link Hashing}. A request without the key gets {@link #NO_HASH}, and the balancers then
 * spread such requests at random rather than piling them all onto the endpoint of the empty key.
 */
public final class RequestHash {
  /** The request carries no key. */
  public static final long NO_HASH = Long.MIN_VALUE;

  private RequestHash() {}

  /** The hash of the key {@code on} names, or {@link #NO_HASH}. */
  public static long of(HashOn on, HttpHeaders headers, InetSocketAddress client) {
    return switch (on.source()) {
      case HEADER -> header(headers, on.name());
      case COOKIE -> cookieHash(headers, on.name());
      case SOURCE_IP ->
          client == null || client.getAddress() == null
              ? NO_HASH
              : Hashing.hash(client.getAddress().getAddress());
    };
  }

  /** The hash of a string key, e.g. a freshly generated cookie value. */
  public static long of(CharSequence key) {
    long h = Hashing.hash(key);
    return h == NO_HASH ? NO_HASH + 1 : h;
  }

  /** A new random cookie value for a COOKIE-hashed cluster when the request has none. */
  public static String newCookieValue() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return HexFormat.of().toHexDigits(r.nextLong()) + HexFormat.of().toHexDigits(r.nextLong());
  }

  private static long header(HttpHeaders headers, String name) {
    // Several fields of the same name hash as one comma-joined value (RFC 9110 §5.3), so the
    // key does not depend on how a client or intermediary split them.
    List<String> values = headers.getAll(name);
    if (values.isEmpty()) {
      return NO_HASH;
    }
    return of(values.size() == 1 ? values.get(0) : String.join(",", values));
  }

  private static long cookieHash(HttpHeaders headers, String name) {
    String value = cookie(headers, name);
    return value == null ? NO_HASH : of(value);
  }

  /**
   * The value of cookie {@code name} in the request's Cookie header(s), or {@code null}. Scans the
   * header in place (RFC 6265 §4.2.1 "name=value; name=value") instead of decoding every cookie
   * into objects, since only one is wanted; surrounding DQUOTEs are stripped.
   */
  public static String cookie(HttpHeaders headers, String name) {
    for (String header : headers.getAll(HttpHeaderNames.COOKIE)) {
      int i = 0;
      int len = header.length();
      while (i < len) {
        while (i < len && (header.charAt(i) == ' ' || header.charAt(i) == ';')) {
          i++;
        }
        int end = header.indexOf(';', i);
        if (end < 0) {
          end = len;
        }
        int eq = header.indexOf('=', i);
        if (eq > i && eq < end && eq - i == name.length() && header.startsWith(name, i)) {
          int vs = eq + 1;
          int ve = end;
          while (ve > vs && header.charAt(ve - 1) == ' ') {
            ve--;
          }
          if (ve - vs >= 2 && header.charAt(vs) == '"' && header.charAt(ve - 1) == '"') {
            vs++;
            ve--;
          }
          return header.substring(vs, ve);
        }
        i = end + 1;
      }
    }
    return null;
  }
}
