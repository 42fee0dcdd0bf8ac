package dev.gantry.translator.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Listener hostname × route hostnames → the hostnames a route actually serves on that listener
 * (Gateway API §2.2): the more specific side of each intersecting pair wins, route hostnames that
 * do not intersect are ignored, and a missing hostname on either side means "any".
 */
public final class HostnameIntersection {

  /** The effective hostname meaning "any host". */
  public static final String ANY = "*";

  private HostnameIntersection() {}

  /**
   * @param listenerHostname the listener hostname, {@code null} for any
   * @param routeHostnames the route hostnames, empty for any
   * @return the effective hostnames, de-duplicated, in route order; empty when nothing intersects
   */
  public static List<String> effective(String listenerHostname, List<String> routeHostnames) {
    String listener = normalize(listenerHostname);
    List<String> out = new ArrayList<>();
    if (routeHostnames == null || routeHostnames.isEmpty()) {
      out.add(listener == null ? ANY : listener);
      return out;
    }
    for (String raw : routeHostnames) {
      String route = normalize(raw);
      if (route == null) {
        continue;
      }
      String e = listener == null ? route : intersect(listener, route);
      if (e != null && !out.contains(e)) {
        out.add(e);
      }
    }
    return out;
  }

  /** The more specific of two hostnames when they overlap, else {@code null}. */
  static String intersect(String a, String b) {
    if (a.equals(b)) {
      return a;
    }
    if (isWildcard(a) && covers(a, b)) {
      return b;
    }
    if (isWildcard(b) && covers(b, a)) {
      return a;
    }
    return null;
  }

  /**
   * True when wildcard {@code pattern} ({@code *.suffix}) covers {@code name}: an exact name with
   * at least one label in front of the suffix, or a narrower or equal wildcard.
   */
  public static boolean covers(String pattern, String name) {
    if (ANY.equals(pattern)) {
      return true;
    }
    String suffix = pattern.substring(1); // ".example.com"
    if (isWildcard(name)) {
      String other = name.substring(1);
      return other.equals(suffix) || other.endsWith(suffix);
    }
    return name.endsWith(suffix) && name.length() > suffix.length();
  }

  public static boolean isWildcard(String hostname) {
    return hostname.startsWith("*.");
  }

  private static String normalize(String hostname) {
    if (hostname == null || hostname.isEmpty()) {
      return null;
    }
    return hostname.toLowerCase(Locale.ROOT);
  }
}
