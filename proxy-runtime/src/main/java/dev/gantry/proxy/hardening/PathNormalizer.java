package dev.gantry.proxy.hardening;

/**
 * Normalises the path of a request target before it is matched and forwarded, so that the route
 * decision and the upstream see the same path and encodings cannot route around a rule (RFC 3986
 * §6.2.2): percent-encoded unreserved characters ({@code ALPHA DIGIT - . _ ~}) are decoded, other
 * percent-encodings get upper-case hex, duplicate slashes collapse, and dot segments are removed
 * (§5.2.4) after decoding, so {@code /a/%2e%2e/b} cannot escape a prefix either.
 *
 * <p>Policy for encoded slashes and other reserved characters: {@code %2F} (and every encoded
 * reserved character) stays encoded and is never decoded for matching; {@code /a%2Fb} is one
 * segment, not two (docs/security.md). The query string is left byte for byte.
 */
public final class PathNormalizer {
  private PathNormalizer() {}

  /** Thrown for a malformed percent-encoding; the request is answered 400. */
  public static final class InvalidPathException extends IllegalArgumentException {
    InvalidPathException(String message) {
      super(message);
    }
  }

  /**
   * The normalised request target ({@code path[?query]}, origin-form). Returns the same instance
   * when nothing changes (the common case costs one scan and no allocation).
   */
  public static String normalizeTarget(String target) {
    int q = target.indexOf('?');
    String path = q < 0 ? target : target.substring(0, q);
    if (!needsWork(path)) {
      return target;
    }
    String normalized = removeDotSegments(collapseSlashes(decodeUnreserved(path)));
    return q < 0 ? normalized : normalized + target.substring(q);
  }

  private static boolean needsWork(String path) {
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '%') {
        return true;
      }
      if (c == '/' && i + 1 < path.length()) {
        char n = path.charAt(i + 1);
        if (n == '/' || n == '.') {
          return true;
        }
      }
    }
    return false;
  }

  static String decodeUnreserved(String path) {
    if (path.indexOf('%') < 0) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (i + 2 >= path.length() || hex(path.charAt(i + 1)) < 0 || hex(path.charAt(i + 2)) < 0) {
        throw new InvalidPathException(
            "path: " + path + " (expected: '%' followed by two hexadecimal digits, RFC 3986 §2.1)");
      }
      int v = hex(path.charAt(i + 1)) * 16 + hex(path.charAt(i + 2));
      if (unreserved(v)) {
        out.append((char) v);
      } else {
        out.append('%')
            .append(Character.toUpperCase(path.charAt(i + 1)))
            .append(Character.toUpperCase(path.charAt(i + 2)));
      }
      i += 2;
    }
    return out.toString();
  }

  static String collapseSlashes(String path) {
    if (!path.contains("//")) {
      return path;
    }
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '/' && out.length() > 0 && out.charAt(out.length() - 1) == '/') {
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }

  /** RFC 3986 §5.2.4 for an absolute path; {@code ..} above the root stays at the root. */
  static String removeDotSegments(String path) {
    if (!path.contains("/.")) {
      return path;
    }
    String[] segments = path.split("/", -1);
    java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
    boolean trailingSlash = false;
    for (int i = 1; i < segments.length; i++) {
      String s = segments[i];
      boolean last = i == segments.length - 1;
      if (s.equals(".")) {
        trailingSlash = last;
      } else if (s.equals("..")) {
        out.pollLast();
        trailingSlash = last;
      } else {
        out.addLast(s);
        trailingSlash = false;
      }
    }
    StringBuilder b = new StringBuilder(path.length());
    for (String s : out) {
      b.append('/').append(s);
    }
    if (trailingSlash || b.length() == 0) {
      b.append('/');
    }
    return b.toString();
  }

  private static boolean unreserved(int c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '-'
        || c == '.'
        || c == '_'
        || c == '~';
  }

  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }
}
