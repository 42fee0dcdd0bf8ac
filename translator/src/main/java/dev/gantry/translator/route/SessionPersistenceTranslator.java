package dev.gantry.translator.route;

import dev.gantry.model.routing.backend.SessionPersistence;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.support.Durations;
import dev.gantry.translator.support.InvalidValueException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Gateway API {@code HTTPRouteRule.sessionPersistence} (GEP-1619, experimental) → the model's
 * {@link SessionPersistence}.
 *
 * <p>The Fabric8 7.5.2 model carries the v1.6.1 shape as typed fields ({@code sessionName}, {@code
 * type}, {@code absoluteTimeout}, {@code cookieConfig.lifetimeType}) plus {@code idleTimeout},
 * which v1.6 dropped from the CRD but older experimental CRDs still allow; all of them are read
 * here, nothing from additional properties is needed.
 */
final class SessionPersistenceTranslator {

  /** Names used when the route leaves {@code sessionName} out (the API leaves them to us). */
  static final String DEFAULT_COOKIE = "gantry-session";

  static final String DEFAULT_HEADER = "x-gantry-session";

  private static final Pattern TOKEN = Pattern.compile("^[A-Za-z0-9!#$%&'*+\\-.^_`|~]+$");

  private SessionPersistenceTranslator() {}

  /**
   * @return the model form, or {@code null} when the rule has none
   * @throws InvalidValueException (UnsupportedValue) naming the field at fault
   */
  static SessionPersistence translate(
      String field, io.fabric8.kubernetes.api.model.gatewayapi.v1.SessionPersistence in) {
    if (in == null) {
      return null;
    }
    String type = in.getType() == null ? "Cookie" : in.getType();
    SessionPersistence.Type modelType =
        switch (type) {
          case "Cookie" -> SessionPersistence.Type.COOKIE;
          case "Header" -> SessionPersistence.Type.HEADER;
          default ->
              throw new InvalidValueException(
                  field + ".type", type, "Cookie or Header", Conditions.REASON_UNSUPPORTED_VALUE);
        };
    String name = in.getSessionName();
    if (name == null || name.isEmpty()) {
      name = modelType == SessionPersistence.Type.COOKIE ? DEFAULT_COOKIE : DEFAULT_HEADER;
    }
    if (name.length() > 128 || !TOKEN.matcher(name).matches()) {
      throw new InvalidValueException(
          field + ".sessionName",
          name,
          "an HTTP token of at most 128 characters",
          Conditions.REASON_UNSUPPORTED_VALUE);
    }
    if (modelType == SessionPersistence.Type.HEADER) {
      name = name.toLowerCase(Locale.ROOT);
    }
    Long absolute = positiveMillis(field + ".absoluteTimeout", in.getAbsoluteTimeout());
    Long idle = positiveMillis(field + ".idleTimeout", in.getIdleTimeout());
    String lifetime =
        in.getCookieConfig() == null || in.getCookieConfig().getLifetimeType() == null
            ? "Session"
            : in.getCookieConfig().getLifetimeType();
    if (!lifetime.equals("Session") && !lifetime.equals("Permanent")) {
      throw new InvalidValueException(
          field + ".cookieConfig.lifetimeType",
          lifetime,
          "Session or Permanent",
          Conditions.REASON_UNSUPPORTED_VALUE);
    }
    boolean permanent = lifetime.equals("Permanent");
    if (permanent && modelType != SessionPersistence.Type.COOKIE) {
      throw new InvalidValueException(
          field + ".cookieConfig.lifetimeType",
          lifetime,
          "Permanent only with type Cookie",
          Conditions.REASON_UNSUPPORTED_VALUE);
    }
    if (permanent && absolute == null) {
      // A permanent cookie's Max-Age is the absolute timeout (GEP-1619's CEL rule on HEAD).
      throw new InvalidValueException(
          field + ".absoluteTimeout",
          null,
          "set when cookieConfig.lifetimeType is Permanent",
          Conditions.REASON_UNSUPPORTED_VALUE);
    }
    return new SessionPersistence(modelType, name, absolute, idle, permanent);
  }

  private static Long positiveMillis(String field, String value) {
    if (value == null) {
      return null;
    }
    long ms = Durations.toMillis(field, value);
    if (ms <= 0) {
      throw new InvalidValueException(
          field, value, "greater than zero", Conditions.REASON_UNSUPPORTED_VALUE);
    }
    return ms;
  }
}
