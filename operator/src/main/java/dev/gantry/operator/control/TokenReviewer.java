package dev.gantry.operator.control;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.gantry.stream.ControlChannelAuth;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Checks a proxy's bearer token with the TokenReview API, demanding the snapshot stream's audience,
 * and caches the answer briefly so a fleet reconnecting at once (an operator restart) costs one
 * review per proxy rather than one per retry.
 *
 * <p>The cache is keyed by the token's SHA-256, never the token itself, bounded in size, and holds
 * an answer for at most {@code ttl}: a revoked token (its pod deleted) stops working within that
 * time for new streams. Failures to reach the API server are not cached.
 */
public final class TokenReviewer {

  /** What a review said. */
  public sealed interface Result {
    /** The token is valid for the audience and belongs to a ServiceAccount. */
    record Authenticated(ProxyIdentity identity) implements Result {}

    /** The token is invalid, expired, for another audience, or not a ServiceAccount's. */
    record Refused(String reason) implements Result {}
  }

  private final KubernetesClient client;
  private final Cache<String, Result> cache;

  public TokenReviewer(KubernetesClient client, Duration ttl, long maxEntries) {
    this(client, ttl, maxEntries, Ticker.systemTicker());
  }

  /** With the clock the cache expires answers by (tests step it). */
  public TokenReviewer(KubernetesClient client, Duration ttl, long maxEntries, Ticker ticker) {
    this.client = client;
    // Maintenance (expiry, eviction) on the calling thread: on the default common pool it could
    // queue behind, and on a small machine starve, the HTTP client's own completion stages.
    this.cache =
        Caffeine.newBuilder()
            .expireAfterWrite(ttl)
            .maximumSize(maxEntries)
            .executor(Runnable::run)
            .ticker(ticker)
            .build();
  }

  /** 30 s, 10 000 tokens: a large fleet's reconnect storm fits, a revoked token dies quickly. */
  public static TokenReviewer defaults(KubernetesClient client) {
    return new TokenReviewer(client, Duration.ofSeconds(30), 10_000);
  }

  /**
   * Reviews {@code token} (cached).
   *
   * @throws io.fabric8.kubernetes.client.KubernetesClientException when the API server cannot be
   *     asked; the caller answers UNAVAILABLE so the proxy retries
   */
  public Result review(String token) {
    String key = sha256(token);
    Result cached = cache.getIfPresent(key);
    if (cached != null) {
      return cached;
    }
    // Asked outside any cache lock: a slow API server must not block lookups of other tokens.
    // Two proxies presenting the same new token at once may both be reviewed; that is harmless.
    Result result = ask(token);
    cache.put(key, result);
    return result;
  }

  public long cachedEntries() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  private Result ask(String token) {
    TokenReview review =
        client
            .resource(
                new TokenReviewBuilder()
                    .withNewSpec()
                    .withToken(token)
                    .withAudiences(ControlChannelAuth.TOKEN_AUDIENCE)
                    .endSpec()
                    .build())
            .create();
    var status = review.getStatus();
    if (status == null || !Boolean.TRUE.equals(status.getAuthenticated())) {
      String error = status == null ? null : status.getError();
      return new Result.Refused(
          error == null || error.isBlank() ? "token not authenticated" : error);
    }
    // An authenticator that ignores audiences answers without them; the API server's own
    // ServiceAccount authenticator returns the intersection. Only an explicit match counts.
    List<String> audiences = status.getAudiences() == null ? List.of() : status.getAudiences();
    if (!audiences.contains(ControlChannelAuth.TOKEN_AUDIENCE)) {
      return new Result.Refused(
          "audiences: " + audiences + " (expected: " + ControlChannelAuth.TOKEN_AUDIENCE + ")");
    }
    String username = status.getUser() == null ? null : status.getUser().getUsername();
    return Optional.ofNullable(ProxyIdentity.fromUsername(username))
        .<Result>map(Result.Authenticated::new)
        .orElseGet(
            () ->
                new Result.Refused(
                    "user: " + username + " (expected: system:serviceaccount:<namespace>:<name>)"));
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
