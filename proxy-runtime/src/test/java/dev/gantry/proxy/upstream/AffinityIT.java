package dev.gantry.proxy.upstream;

import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.Rule;
import dev.gantry.model.routing.backend.BackendPolicy;
import dev.gantry.model.routing.backend.HashOn;
import dev.gantry.model.routing.backend.LoadBalancing;
import dev.gantry.model.routing.backend.SessionPersistence;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Requests tied to endpoints through the proxy: consistent hashing (stable across reloads, about
 * 1/N of keys remapped when an endpoint joins) and Gateway API session persistence by cookie and by
 * header.
 */
@ExtendWith(LeakGuard.class)
class AffinityIT {
  static final int KEYS = 1000;
  static ProxyFixture f;
  static EchoServer v4;

  @BeforeAll
  static void start() {
    f = new ProxyFixture();
    v4 = EchoServer.start("127.0.0.1", 0, "v4");
  }

  @AfterAll
  static void stop() {
    f.close();
    v4.close();
  }

  private static BackendPolicy hashing(HashOn on, LoadBalancing.HashTable table) {
    return new BackendPolicy(
        null,
        new LoadBalancing(LoadBalancing.Type.CONSISTENT_HASH, on, table, 0),
        null,
        null,
        null,
        null,
        null);
  }

  private static Map<String, String> mapKeys() throws IOException {
    Map<String, String> owner = new HashMap<>();
    try (RawHttp c = new RawHttp(f.port(80))) {
      for (int i = 0; i < KEYS; i++) {
        RawHttp.Response r = c.get("x", "/", "x-user: user-" + i);
        assertThat(r.status()).isEqualTo(200);
        owner.put("user-" + i, ProxyFixture.backend(r));
      }
    }
    return owner;
  }

  @ParameterizedTest
  @EnumSource(LoadBalancing.HashTable.class)
  void consistentHashKeepsKeysAcrossReloadsAndRemapsAboutAQuarterForAFourthEndpoint(
      LoadBalancing.HashTable table) throws IOException {
    BackendPolicy policy = hashing(new HashOn(HashOn.Source.HEADER, "x-user", 0), table);
    Snap three =
        f.snap()
            .cluster("hashed", f.v1.port(), f.v2.port(), f.v3.port())
            .policy("hashed", policy)
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), forward("hashed-rule", "hashed"));
    f.apply(three);
    Map<String, String> before = mapKeys();
    assertThat(new HashSet<>(before.values())).containsExactlyInAnyOrder("v1", "v2", "v3");

    // A reload that changes something else keeps every key where it was.
    f.apply(three.route("http", "other.example", prefix("/"), forward("other", "v1")));
    assertThat(mapKeys()).isEqualTo(before);

    f.apply(
        f.snap()
            .cluster("hashed", f.v1.port(), f.v2.port(), f.v3.port(), v4.port())
            .policy("hashed", policy)
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), forward("hashed-rule", "hashed")));
    Map<String, String> after = mapKeys();
    int moved = 0;
    int movedElsewhere = 0;
    for (var e : before.entrySet()) {
      String now = after.get(e.getKey());
      if (!now.equals(e.getValue())) {
        moved++;
        if (!now.equals("v4")) {
          movedElsewhere++;
        }
      }
    }
    System.out.printf(
        "%s: adding a 4th endpoint remapped %d of %d keys (%d not to the new endpoint)%n",
        table, moved, KEYS, movedElsewhere);
    assertThat(moved).as("about 1/4 of the keys move").isBetween(KEYS * 15 / 100, KEYS * 35 / 100);
    assertThat(movedElsewhere).as("keys move to the new endpoint").isLessThan(KEYS * 5 / 100);
  }

  @Test
  void cookieHashingWithoutACookieSetsOneAndStaysOnItsEndpoint() throws IOException {
    f.apply(
        f.snap()
            .cluster("cookie-hashed", f.v1.port(), f.v2.port(), f.v3.port())
            .policy(
                "cookie-hashed",
                hashing(
                    new HashOn(HashOn.Source.COOKIE, "gantry-key", 3600),
                    LoadBalancing.HashTable.MAGLEV))
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), forward("cookie-rule", "cookie-hashed")));
    RawHttp.Response first = f.get(80, "x", "/");
    String setCookie = first.header("set-cookie");
    assertThat(setCookie).startsWith("gantry-key=").contains("; Path=/; HttpOnly; Max-Age=3600");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      RawHttp.Response r = f.get(80, "x", "/", "Cookie: " + cookie);
      assertThat(r.header("set-cookie")).isNull();
      seen.add(ProxyFixture.backend(r));
    }
    assertThat(seen).containsExactly(ProxyFixture.backend(first));
  }

  private static Rule withSession(Rule r, SessionPersistence sp) {
    return new Rule(
        r.name(),
        r.source(),
        r.filters(),
        r.backends(),
        r.directResponseStatus(),
        r.timeouts(),
        r.retry(),
        r.policies(),
        sp);
  }

  private static Snap roundRobin(String cluster, int... ports) {
    return f.snap()
        .cluster(cluster, ports)
        .policy(
            cluster,
            new BackendPolicy(
                null,
                new LoadBalancing(LoadBalancing.Type.ROUND_ROBIN, null, null, 0),
                null,
                null,
                null,
                null,
                null));
  }

  @Test
  void sessionCookieKeepsAClientOnItsEndpointAndMovesItWhenTheEndpointLeaves() throws IOException {
    SessionPersistence sp =
        new SessionPersistence(SessionPersistence.Type.COOKIE, "gantry-session", null, null, false);
    Rule rule = withSession(forward("session-rule", "sticky"), sp);
    f.apply(
        roundRobin("sticky", f.v1.port(), f.v2.port(), f.v3.port())
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), rule));
    RawHttp.Response first = f.get(80, "x", "/");
    String setCookie = first.header("set-cookie");
    assertThat(setCookie).startsWith("gantry-session=").endsWith("; Path=/; HttpOnly");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String home = ProxyFixture.backend(first);
    for (int i = 0; i < 20; i++) {
      RawHttp.Response r = f.get(80, "x", "/", "Cookie: other=1; " + cookie);
      assertThat(ProxyFixture.backend(r)).isEqualTo(home);
      assertThat(r.header("set-cookie")).as("a valid session needs no new cookie").isNull();
    }
    // Without the cookie, round robin spreads requests again.
    Set<String> spread = new HashSet<>();
    for (int i = 0; i < 6; i++) {
      spread.add(ProxyFixture.backend(f.get(80, "x", "/")));
    }
    assertThat(spread).hasSize(3);

    // The session's endpoint leaves: the client goes elsewhere and gets a new session.
    int[] others =
        java.util.stream.Stream.of(f.v1, f.v2, f.v3)
            .filter(e -> !e.name().equals(home))
            .mapToInt(EchoServer::port)
            .toArray();
    f.apply(
        roundRobin("sticky", others)
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), rule));
    RawHttp.Response moved = f.get(80, "x", "/", "Cookie: " + cookie);
    assertThat(ProxyFixture.backend(moved)).isNotEqualTo(home);
    assertThat(moved.header("set-cookie")).startsWith("gantry-session=");
  }

  @Test
  void headerSessionAndPermanentCookieCarryTheirSettings() throws IOException {
    SessionPersistence header =
        new SessionPersistence(SessionPersistence.Type.HEADER, "x-session", null, 60_000L, false);
    f.apply(
        roundRobin("by-header", f.v1.port(), f.v2.port(), f.v3.port())
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), withSession(forward("h-rule", "by-header"), header)));
    RawHttp.Response first = f.get(80, "x", "/");
    String token = first.header("x-session");
    assertThat(token).isNotNull();
    for (int i = 0; i < 10; i++) {
      RawHttp.Response r = f.get(80, "x", "/", "x-session: " + token);
      assertThat(ProxyFixture.backend(r)).isEqualTo(ProxyFixture.backend(first));
      // An idle timeout needs the last use recorded: every answer refreshes the token.
      assertThat(r.header("x-session")).isNotNull();
    }

    SessionPersistence permanent =
        new SessionPersistence(SessionPersistence.Type.COOKIE, "keep", 7_200_000L, null, true);
    f.apply(
        roundRobin("permanent", f.v1.port(), f.v2.port())
            .listener("http", 80, null)
            .route(
                "http", "*", prefix("/"), withSession(forward("p-rule", "permanent"), permanent)));
    assertThat(f.get(80, "x", "/").header("set-cookie"))
        .startsWith("keep=")
        .endsWith("; Path=/; HttpOnly; Max-Age=7200");
  }
}
