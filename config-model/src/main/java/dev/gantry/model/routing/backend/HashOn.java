package dev.gantry.model.routing.backend;

import dev.gantry.model.Validator;

/**
 * The request key of consistent hashing.
 *
 * @param source where the key comes from
 * @param name header name (lower-case) or cookie name; {@code null} for SOURCE_IP
 * @param cookieTtlSeconds for COOKIE: when the request has no such cookie the proxy picks an
 *     endpoint and sets the cookie with this Max-Age (0 = session cookie); ignored otherwise
 */
public record HashOn(Source source, String name, long cookieTtlSeconds) {

  public enum Source {
    HEADER,
    COOKIE,
    SOURCE_IP
  }

  public void validate(Validator v) {
    v.require(source != null, "source", source, "HEADER, COOKIE or SOURCE_IP");
    if (source == Source.HEADER || source == Source.COOKIE) {
      v.require(name != null && !name.isEmpty(), "name", name, "non-empty for " + source);
    }
    v.require(cookieTtlSeconds >= 0, "cookieTtlSeconds", cookieTtlSeconds, ">= 0");
  }
}
