package dev.gantry.proxy.filter;

import dev.gantry.model.routing.filter.RequestRedirect;

/**
 * A compiled RequestRedirect: builds the {@code Location} per the Gateway API port-derivation
 * rules. Port unset: the well-known port of the configured scheme if a scheme is set, else the
 * listener port. The port is omitted when it is the scheme's default (80 for http, 443 for https).
 */
public final class RedirectAction {
  private final String scheme;
  private final String hostname;
  private final Integer port;
  private final PathRewriter path;
  private final int statusCode;

  public RedirectAction(RequestRedirect redirect) {
    this.scheme = redirect.scheme();
    this.hostname = redirect.hostname();
    this.port = redirect.port();
    this.path = redirect.path() == null ? null : new PathRewriter(redirect.path());
    this.statusCode = redirect.statusCode() == 0 ? 302 : redirect.statusCode();
  }

  public int statusCode() {
    return statusCode;
  }

  /**
   * @param requestScheme http or https, from the listener
   * @param requestHost the request host without port
   * @param listenerPort the configured listener port (not the bound one)
   * @param requestPath the request path without query
   * @param rawQuery the query without '?', or null; kept verbatim
   */
  public String location(
      String requestScheme,
      String requestHost,
      int listenerPort,
      String requestPath,
      String rawQuery) {
    String s = scheme != null ? scheme : requestScheme;
    int p;
    if (port != null) {
      p = port;
    } else if (scheme != null) {
      p = scheme.equals("https") ? 443 : 80;
    } else {
      p = listenerPort;
    }
    String h = hostname != null ? hostname : requestHost;
    StringBuilder sb = new StringBuilder(64).append(s).append("://").append(h);
    boolean defaultPort = (s.equals("http") && p == 80) || (s.equals("https") && p == 443);
    if (!defaultPort) {
      sb.append(':').append(p);
    }
    sb.append(path == null ? requestPath : path.rewrite(requestPath));
    if (rawQuery != null) {
      sb.append('?').append(rawQuery);
    }
    return sb.toString();
  }
}
