package dev.gantry.proxy.route;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * What route matching sees of a request: method, raw path, raw query and headers. Query parameters
 * are decoded lazily, only when a route asks for one, so requests that match on path alone never
 * pay for it.
 */
public final class RequestView {
  private final String method;
  private final String path;
  private final String rawQuery;
  private final HttpHeaders headers;
  private java.util.Map<String, java.util.List<String>> params;

  public RequestView(String method, String path, String rawQuery, HttpHeaders headers) {
    this.method = method;
    this.path = path;
    this.rawQuery = rawQuery;
    this.headers = headers;
  }

  /** Splits a request target into path and query (the query keeps its bytes, order included). */
  public static RequestView of(String method, String uri, HttpHeaders headers) {
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    String query = q < 0 ? null : uri.substring(q + 1);
    int hash = path.indexOf('#');
    if (hash >= 0) {
      path = path.substring(0, hash);
    }
    return new RequestView(method, path, query, headers);
  }

  public String method() {
    return method;
  }

  public String path() {
    return path;
  }

  /** The raw query without '?', or {@code null} when the target had none. */
  public String rawQuery() {
    return rawQuery;
  }

  public HttpHeaders headers() {
    return headers;
  }

  /** The first value of a query parameter (name compared case-sensitively), or {@code null}. */
  public String queryParam(String name) {
    if (rawQuery == null) {
      return null;
    }
    if (params == null) {
      params = new QueryStringDecoder(rawQuery, false).parameters();
    }
    java.util.List<String> values = params.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }
}
