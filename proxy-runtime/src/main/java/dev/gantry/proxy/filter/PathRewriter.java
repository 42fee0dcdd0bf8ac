package dev.gantry.proxy.filter;

import dev.gantry.model.routing.filter.PathModifier;
import dev.gantry.model.routing.filter.PathModifierType;

/**
 * Applies a Gateway API path modifier (redirect or URL rewrite). {@code ReplacePrefixMatch}
 * replaces the matched prefix segment-wise, following the spec's table: {@code /foo/bar} with
 * prefix {@code /foo} → {@code /xyz} = {@code /xyz/bar}; a trailing slash on the replacement is not
 * doubled; an empty result becomes {@code /}.
 */
public final class PathRewriter {
  private final PathModifierType type;
  private final String value;
  private final String prefix;

  public PathRewriter(PathModifier modifier) {
    this.type = modifier.type();
    this.value = modifier.value();
    this.prefix = modifier.matchedPrefix();
  }

  /** Rewrites a path (no query). */
  public String rewrite(String path) {
    if (type == PathModifierType.REPLACE_FULL_PATH) {
      return value.isEmpty() ? "/" : value;
    }
    String rest;
    if (prefix.equals("/")) {
      rest = path;
    } else if (path.startsWith(prefix)) {
      rest = path.substring(prefix.length());
    } else {
      // The route matched on this prefix, so this only happens for a path the route did not
      // match (a backend-level filter reached another way): leave the path as it is.
      return path;
    }
    String replacement = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    if (!rest.isEmpty() && rest.charAt(0) != '/') {
      rest = "/" + rest;
    }
    String result = replacement + rest;
    return result.isEmpty() ? "/" : result;
  }
}
