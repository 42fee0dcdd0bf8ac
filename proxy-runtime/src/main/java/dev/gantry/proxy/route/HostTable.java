package dev.gantry.proxy.route;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Host lookup by hash map: an exact name first, then the longest {@code *.suffix} wildcard that
 * covers the host (a wildcard covers one or more labels, never the bare suffix), then {@code *}.
 * Wildcards are found by hashing each suffix of the host from the left, so a lookup costs one hash
 * probe per label no matter how many names the table holds.
 *
 * @param <T> what a host maps to
 */
public final class HostTable<T> {
  private final Map<String, T> exact;
  private final Map<String, T> wildcardSuffixes; // key ".example.com" for "*.example.com"
  private final T any;

  private HostTable(Map<String, T> exact, Map<String, T> wildcardSuffixes, T any) {
    this.exact = exact;
    this.wildcardSuffixes = wildcardSuffixes;
    this.any = any;
  }

  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  public T lookup(String host) {
    T found = exact.get(host);
    if (found != null) {
      return found;
    }
    if (!wildcardSuffixes.isEmpty()) {
      // The leftmost dot gives the longest suffix, i.e. the most specific wildcard; the suffix must
      // leave at least one label in front of it, which starting at index 1 guarantees.
      for (int i = host.indexOf('.', 1); i >= 0; i = host.indexOf('.', i + 1)) {
        found = wildcardSuffixes.get(host.substring(i));
        if (found != null) {
          return found;
        }
      }
    }
    return any;
  }

  public boolean isEmpty() {
    return exact.isEmpty() && wildcardSuffixes.isEmpty() && any == null;
  }

  /**
   * The host part of a Host header or :authority, lower-cased, without port (the Gateway API
   * ignores the port in Host). Handles bracketed IPv6 literals.
   */
  public static String normalizeHost(String hostHeader) {
    if (hostHeader == null) {
      return "";
    }
    String h = hostHeader;
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end < 0 ? h : h.substring(0, end + 1);
    } else {
      int colon = h.lastIndexOf(':');
      if (colon >= 0) {
        h = h.substring(0, colon);
      }
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return h.toLowerCase(Locale.ROOT);
      }
    }
    return h;
  }

  /** Collects names; a later duplicate of a name replaces nothing (the first one wins). */
  public static final class Builder<T> {
    private final Map<String, T> exact = new HashMap<>();
    private final Map<String, T> wildcards = new HashMap<>();
    private T any;

    /** {@code hostname} = an exact name, {@code *.suffix}, or {@code *} / {@code null} for any. */
    public Builder<T> put(String hostname, T value) {
      if (hostname == null || hostname.equals("*")) {
        if (any == null) {
          any = value;
        }
      } else if (hostname.startsWith("*.")) {
        wildcards.putIfAbsent(hostname.substring(1).toLowerCase(Locale.ROOT), value);
      } else {
        exact.putIfAbsent(hostname.toLowerCase(Locale.ROOT), value);
      }
      return this;
    }

    public HostTable<T> build() {
      return new HostTable<>(Map.copyOf(exact), Map.copyOf(wildcards), any);
    }
  }
}
