package dev.gantry.proxy.route;

import com.google.re2j.Pattern;
import dev.gantry.model.routing.PathMatch;

/** A precompiled Gateway API path match. The path is the raw request path without the query. */
public sealed interface PathMatcher {

  boolean matches(String path);

  /**
   * The first path segment every matching path starts with, or {@code null} when the matcher can
   * match paths with any first segment (the root prefix, regexes). Used to index large route
   * tables.
   */
  String firstSegment();

  static PathMatcher of(PathMatch match) {
    return switch (match.type()) {
      case EXACT -> new Exact(match.value());
      case PATH_PREFIX -> new Prefix(match.value());
      case REGULAR_EXPRESSION -> new Regex(Pattern.compile(match.value()));
    };
  }

  /** The first segment of {@code path} ("" for "/"), the key of {@link #firstSegment()}. */
  static String firstSegmentOf(String path) {
    if (path.isEmpty() || path.charAt(0) != '/') {
      return path;
    }
    int end = path.indexOf('/', 1);
    return end < 0 ? path.substring(1) : path.substring(1, end);
  }

  /** Byte-exact, case-sensitive. */
  record Exact(String value) implements PathMatcher {
    @Override
    public boolean matches(String path) {
      return path.equals(value);
    }

    @Override
    public String firstSegment() {
      return firstSegmentOf(value);
    }
  }

  /**
   * Segment-wise prefix: {@code /abc} matches {@code /abc}, {@code /abc/} and {@code /abc/x} but
   * not {@code /abcd}. The value is already normalised without trailing slash (except the root).
   */
  record Prefix(String value) implements PathMatcher {
    @Override
    public boolean matches(String path) {
      if (value.length() == 1) {
        return true;
      }
      return path.startsWith(value)
          && (path.length() == value.length() || path.charAt(value.length()) == '/');
    }

    @Override
    public String firstSegment() {
      return value.length() == 1 ? null : firstSegmentOf(value);
    }
  }

  /** RE2 syntax; must match the whole path. */
  record Regex(Pattern pattern) implements PathMatcher {
    @Override
    public boolean matches(String path) {
      return pattern.matches(path);
    }

    @Override
    public String firstSegment() {
      return null;
    }
  }
}
