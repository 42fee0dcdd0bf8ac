package dev.gantry.proxy.balance;

import dev.gantry.model.routing.backend.SessionPersistence;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Session persistence tokens: which endpoint a session is bound to and when the session started and
 * was last used, so that the absolute and idle timeouts of Gateway API session persistence can be
 * checked without any state in the proxy (every replica reads the same token). Form: {@code
 * base64url(endpointKey) "." startEpochSeconds "." lastUseEpochSeconds}. A client can forge a
 * token, but that only lets it choose among endpoints that are available to it anyway.
 */
public final class SessionTokens {
  private static final Base64.Encoder ENC = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DEC = Base64.getUrlDecoder();

  private SessionTokens() {}

  /** A decoded token. */
  public record Token(String endpointKey, long startSeconds, long lastUseSeconds) {

    /** True when the session has ended by {@code sp}'s timeouts at {@code nowSeconds}. */
    public boolean expired(SessionPersistence sp, long nowSeconds) {
      if (sp.absoluteTimeoutMs() != null
          && (nowSeconds - startSeconds) * 1000 >= sp.absoluteTimeoutMs()) {
        return true;
      }
      return sp.idleTimeoutMs() != null
          && (nowSeconds - lastUseSeconds) * 1000 >= sp.idleTimeoutMs();
    }

    /** This session, used again at {@code nowSeconds}. */
    public Token touched(long nowSeconds) {
      return new Token(endpointKey, startSeconds, nowSeconds);
    }

    public String encode() {
      return SessionTokens.encode(endpointKey, startSeconds, lastUseSeconds);
    }
  }

  public static String encode(String endpointKey, long startSeconds, long lastUseSeconds) {
    return ENC.encodeToString(endpointKey.getBytes(StandardCharsets.UTF_8))
        + '.'
        + startSeconds
        + '.'
        + lastUseSeconds;
  }

  /** The token in {@code value}, or {@code null} when it is not one of ours. */
  public static Token decode(String value) {
    if (value == null) {
      return null;
    }
    int a = value.indexOf('.');
    int b = a < 0 ? -1 : value.indexOf('.', a + 1);
    if (a <= 0 || b < 0 || value.indexOf('.', b + 1) >= 0) {
      return null;
    }
    try {
      String key = new String(DEC.decode(value.substring(0, a)), StandardCharsets.UTF_8);
      long start = Long.parseLong(value, a + 1, b, 10);
      long last = Long.parseLong(value, b + 1, value.length(), 10);
      if (key.isEmpty() || start < 0 || last < start) {
        return null;
      }
      return new Token(key, start, last);
    } catch (IllegalArgumentException e) {
      // Not base64url or not a number: a stale or foreign value, treated as no session.
      return null;
    }
  }
}
