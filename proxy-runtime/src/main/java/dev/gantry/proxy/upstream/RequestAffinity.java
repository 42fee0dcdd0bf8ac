package dev.gantry.proxy.upstream;

import dev.gantry.model.routing.backend.HashOn;
import dev.gantry.model.routing.backend.SessionPersistence;
import dev.gantry.proxy.balance.RequestHash;
import dev.gantry.proxy.balance.SessionTokens;
import dev.gantry.proxy.route.CompiledCluster;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What ties one request to an endpoint: the consistent-hash key of its cluster, and the session of
 * its rule (Gateway API session persistence). Built only for requests that have either, so other
 * requests allocate nothing. The response then carries what the client must send next time: a
 * generated hash cookie, and the session token of the endpoint that actually answered.
 */
public final class RequestAffinity {
  private final SessionPersistence session;
  private final long hash;
  private final String hashCookie;
  private final ClusterMember sticky;
  private final long sessionStartSeconds;
  private final long nowSeconds;

  private RequestAffinity(
      SessionPersistence session,
      long hash,
      String hashCookie,
      ClusterMember sticky,
      long sessionStartSeconds,
      long nowSeconds) {
    this.session = session;
    this.hash = hash;
    this.hashCookie = hashCookie;
    this.sticky = sticky;
    this.sessionStartSeconds = sessionStartSeconds;
    this.nowSeconds = nowSeconds;
  }

  /** The affinity of a request, or null when neither the rule nor the cluster asks for one. */
  public static RequestAffinity of(
      SessionPersistence session,
      CompiledCluster cluster,
      HttpHeaders headers,
      SocketAddress remote) {
    HashOn on = cluster.hashOn();
    if (session == null && on == null) {
      return null;
    }
    long now = System.currentTimeMillis() / 1000;
    long hash = RequestHash.NO_HASH;
    String hashCookie = null;
    if (on != null) {
      hash = RequestHash.of(on, headers, remote instanceof InetSocketAddress isa ? isa : null);
      if (hash == RequestHash.NO_HASH && on.source() == HashOn.Source.COOKIE) {
        // No cookie yet: this request gets a key of its own, and the client keeps it.
        String value = RequestHash.newCookieValue();
        hash = RequestHash.of(value);
        hashCookie = cookie(on.name(), value, on.cookieTtlSeconds());
      }
    }
    ClusterMember sticky = null;
    long start = now;
    if (session != null) {
      String value =
          session.type() == SessionPersistence.Type.COOKIE
              ? RequestHash.cookie(headers, session.name())
              : headers.get(session.name());
      SessionTokens.Token token = SessionTokens.decode(value);
      if (token != null && !token.expired(session, now)) {
        sticky = cluster.available(token.endpointKey());
        if (sticky != null) {
          start = token.startSeconds();
        }
      }
    }
    return new RequestAffinity(session, hash, hashCookie, sticky, start, now);
  }

  private static String cookie(String name, String value, long maxAgeSeconds) {
    String c = name + '=' + value + "; Path=/; HttpOnly";
    return maxAgeSeconds > 0 ? c + "; Max-Age=" + maxAgeSeconds : c;
  }

  public long hash() {
    return hash;
  }

  /** The available endpoint of a valid session, or null (pick normally). */
  public ClusterMember sticky() {
    return sticky;
  }

  /**
   * Adds to the response what the client sends next time: the generated hash cookie, and a session
   * token for {@code served} when the session is new, moved to another endpoint, or must record its
   * last use (idle timeout).
   */
  public void decorate(HttpHeaders response, ClusterMember served) {
    if (hashCookie != null) {
      response.add(HttpHeaderNames.SET_COOKIE, hashCookie);
    }
    if (session == null || served == null) {
      return;
    }
    boolean same = sticky == served;
    if (same && session.idleTimeoutMs() == null) {
      return;
    }
    String token =
        SessionTokens.encode(served.key(), same ? sessionStartSeconds : nowSeconds, nowSeconds);
    if (session.type() == SessionPersistence.Type.HEADER) {
      response.set(session.name(), token);
      return;
    }
    long maxAge =
        session.permanentCookie() && session.absoluteTimeoutMs() != null
            ? Math.max(1, session.absoluteTimeoutMs() / 1000)
            : 0;
    response.add(HttpHeaderNames.SET_COOKIE, cookie(session.name(), token, maxAge));
  }
}
