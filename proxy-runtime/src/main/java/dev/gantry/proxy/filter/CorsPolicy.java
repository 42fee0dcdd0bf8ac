package dev.gantry.proxy.filter;

import dev.gantry.model.routing.filter.Cors;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A compiled CORS filter (GEP-1767). The gateway answers preflights itself; actual responses get
 * the allow-origin/credentials/expose headers when the Origin is allowed. The allowed origin is
 * always echoed (never {@code *}), which the spec permits in every case and requires whenever
 * credentials are allowed.
 */
public final class CorsPolicy {
  private final boolean anyOrigin;
  private final List<String> exactOrigins = new ArrayList<>();
  private final List<String[]> wildcardOrigins = new ArrayList<>(); // {scheme://, .suffix[:port]}
  private final boolean credentials;
  private final boolean anyMethod;
  private final String methods;
  private final boolean anyHeader;
  private final String allowHeaders;
  private final String exposeHeaders;
  private final String maxAge;

  public CorsPolicy(Cors cors) {
    boolean any = false;
    for (String o : cors.allowOrigins()) {
      String origin = o.trim().toLowerCase(Locale.ROOT);
      if (origin.equals("*")) {
        any = true;
      } else {
        int sep = origin.indexOf("://");
        if (sep > 0 && origin.startsWith("*.", sep + 3)) {
          wildcardOrigins.add(
              new String[] {origin.substring(0, sep + 3), origin.substring(sep + 4)});
        } else {
          exactOrigins.add(origin);
        }
      }
    }
    this.anyOrigin = any;
    this.credentials = cors.allowCredentials();
    this.anyMethod = cors.allowMethods().contains("*");
    this.methods = String.join(", ", cors.allowMethods());
    this.anyHeader = cors.allowHeaders().contains("*");
    this.allowHeaders = String.join(", ", cors.allowHeaders());
    this.exposeHeaders = String.join(", ", cors.exposeHeaders());
    this.maxAge = Integer.toString(cors.maxAgeSeconds() < 1 ? 5 : cors.maxAgeSeconds());
  }

  /** A preflight: OPTIONS with Origin and Access-Control-Request-Method. */
  public static boolean isPreflight(HttpMethod method, HttpHeaders headers) {
    return method.equals(HttpMethod.OPTIONS)
        && headers.contains(HttpHeaderNames.ORIGIN)
        && headers.contains(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
  }

  public boolean allows(String origin) {
    if (origin == null) {
      return false;
    }
    if (anyOrigin) {
      return true;
    }
    String o = origin.toLowerCase(Locale.ROOT);
    if (exactOrigins.contains(o)) {
      return true;
    }
    for (String[] w : wildcardOrigins) {
      // "*." covers one or more labels: the origin needs something between scheme and suffix.
      if (o.startsWith(w[0])
          && o.endsWith(w[1])
          && o.length() > w[0].length() + w[1].length()
          && o.charAt(o.length() - w[1].length() - 1) != '/') {
        return true;
      }
    }
    return false;
  }

  /** Fills the headers of a preflight answer; adds nothing when the origin is not allowed. */
  public void preflight(HttpHeaders request, HttpHeaders response) {
    String origin = request.get(HttpHeaderNames.ORIGIN);
    response.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    if (!allows(origin)) {
      return;
    }
    response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if (credentials) {
      response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    String requestedMethod = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
    if (anyMethod) {
      response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, requestedMethod);
    } else if (!methods.isEmpty()) {
      response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods);
    }
    String requestedHeaders = request.get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
    if (anyHeader) {
      if (requestedHeaders != null) {
        response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, requestedHeaders);
      }
    } else if (!allowHeaders.isEmpty()) {
      response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, allowHeaders);
    }
    if (!exposeHeaders.isEmpty()) {
      response.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, exposeHeaders);
    }
    response.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, maxAge);
  }

  /** Response headers the gateway adds to its own rate-limit refusals, exposed on those. */
  private static final List<String> REFUSAL_HEADERS =
      List.of("RateLimit", "RateLimit-Policy", "Retry-After");

  /** The CORS policy among a rule's compiled filters, or null. */
  public static CorsPolicy of(FilterStep[] steps) {
    for (FilterStep s : steps) {
      if (s instanceof FilterStep.CorsStep c) {
        return c.policy();
      }
    }
    return null;
  }

  /**
   * Adds the CORS headers to a response the gateway answers itself before the rule's filters ran (a
   * rate limit's 429, or its 503 when the store is down and the policy fails closed). Without them
   * a browser hides the response from the page as an opaque network error: the page cannot tell a
   * limit from an outage, and cannot back off. The gateway's own rate-limit headers present on the
   * response are exposed too (none of them is CORS-safelisted), so the page can read {@code
   * Retry-After}; they carry nothing from the upstream, so exposing them discloses nothing the
   * configured {@code exposeHeaders} keeps hidden.
   */
  public void refusal(String origin, HttpHeaders response) {
    if (!allows(origin)) {
      return;
    }
    actual(origin, response);
    List<String> expose = new ArrayList<>();
    if (!exposeHeaders.isEmpty()) {
      expose.add(exposeHeaders);
    }
    String configured = exposeHeaders.toLowerCase(Locale.ROOT);
    for (String h : REFUSAL_HEADERS) {
      if (response.contains(h) && !configured.contains(h.toLowerCase(Locale.ROOT))) {
        expose.add(h);
      }
    }
    if (!expose.isEmpty()) {
      response.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, String.join(", ", expose));
    }
  }

  /** Adds the CORS headers of an actual (non-preflight) response when the origin is allowed. */
  public void actual(String origin, HttpHeaders response) {
    if (!allows(origin)) {
      return;
    }
    response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    response.add(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
    if (credentials) {
      response.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
    if (!exposeHeaders.isEmpty()) {
      response.set(HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, exposeHeaders);
    }
  }
}
