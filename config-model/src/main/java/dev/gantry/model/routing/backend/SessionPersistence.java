package dev.gantry.model.routing.backend;

import dev.gantry.model.Validator;

/**
 * Gateway API session persistence of a route rule: once a client was sent to an endpoint, later
 * requests carrying the session token go to the same endpoint while it is available.
 *
 * @param type where the token travels
 * @param name cookie name, or header name (lower-case)
 * @param absoluteTimeoutMs the session ends this long after it started ({@code null} = never)
 * @param idleTimeoutMs the session ends after this long without a request ({@code null} = never)
 * @param permanentCookie COOKIE with lifetimeType Permanent: the cookie gets a Max-Age of the
 *     absolute timeout; otherwise a session cookie
 */
public record SessionPersistence(
    Type type, String name, Long absoluteTimeoutMs, Long idleTimeoutMs, boolean permanentCookie) {

  public enum Type {
    COOKIE,
    HEADER
  }

  public void validate(Validator v) {
    v.require(type != null, "type", type, "COOKIE or HEADER");
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
    if (absoluteTimeoutMs != null) {
      v.require(absoluteTimeoutMs > 0, "absoluteTimeoutMs", absoluteTimeoutMs, "> 0");
    }
    if (idleTimeoutMs != null) {
      v.require(idleTimeoutMs > 0, "idleTimeoutMs", idleTimeoutMs, "> 0");
    }
  }
}
