package dev.gantry.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.backend.HashOn;
import dev.gantry.model.routing.backend.SessionPersistence;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class RequestHashTest {

  private static final InetSocketAddress CLIENT = new InetSocketAddress("192.0.2.7", 40_000);

  @Test
  void headerKeyHashesTheValueAndJoinsRepeatedFields() {
    HashOn on = new HashOn(HashOn.Source.HEADER, "x-user", 0);
    HttpHeaders h = new DefaultHttpHeaders().add("X-User", "alice");
    assertThat(RequestHash.of(on, h, CLIENT)).isEqualTo(RequestHash.of("alice"));
    assertThat(RequestHash.of(on, new DefaultHttpHeaders(), CLIENT)).isEqualTo(RequestHash.NO_HASH);
    HttpHeaders split = new DefaultHttpHeaders().add("x-user", "a").add("x-user", "b");
    assertThat(RequestHash.of(on, split, CLIENT)).isEqualTo(RequestHash.of("a,b"));
  }

  @Test
  void cookieKeyFindsExactlyTheNamedCookie() {
    HashOn on = new HashOn(HashOn.Source.COOKIE, "sid", 0);
    HttpHeaders h =
        new DefaultHttpHeaders()
            .add("cookie", "xsid=nope; sid=\"abc\" ;other=1")
            .add("cookie", "z=2");
    assertThat(RequestHash.cookie(h, "sid")).isEqualTo("abc");
    assertThat(RequestHash.cookie(h, "other")).isEqualTo("1");
    assertThat(RequestHash.cookie(h, "z")).isEqualTo("2");
    assertThat(RequestHash.cookie(h, "si")).isNull();
    assertThat(RequestHash.of(on, h, CLIENT)).isEqualTo(RequestHash.of("abc"));
    assertThat(RequestHash.newCookieValue()).hasSize(32).isNotEqualTo(RequestHash.newCookieValue());
  }

  @Test
  void sourceIpKeyIgnoresThePort() {
    HashOn on = new HashOn(HashOn.Source.SOURCE_IP, null, 0);
    long a = RequestHash.of(on, new DefaultHttpHeaders(), CLIENT);
    long b =
        RequestHash.of(on, new DefaultHttpHeaders(), new InetSocketAddress("192.0.2.7", 50_000));
    long c =
        RequestHash.of(on, new DefaultHttpHeaders(), new InetSocketAddress("192.0.2.8", 40_000));
    assertThat(a).isEqualTo(b).isNotEqualTo(c).isNotEqualTo(RequestHash.NO_HASH);
  }

  @Test
  void sessionTokensRoundTripAndExpire() {
    String v = SessionTokens.encode("10.0.0.1:8080", 1_000, 1_010);
    SessionTokens.Token t = SessionTokens.decode(v);
    assertThat(t).isEqualTo(new SessionTokens.Token("10.0.0.1:8080", 1_000, 1_010));
    assertThat(SessionTokens.decode(t.touched(1_020).encode()).lastUseSeconds()).isEqualTo(1_020);

    SessionPersistence sp =
        new SessionPersistence(SessionPersistence.Type.COOKIE, "s", 60_000L, 10_000L, false);
    assertThat(t.expired(sp, 1_015)).isFalse();
    assertThat(t.expired(sp, 1_020)).isTrue(); // idle 10 s
    assertThat(t.touched(1_055).expired(sp, 1_060)).isTrue(); // absolute 60 s
    SessionPersistence forever =
        new SessionPersistence(SessionPersistence.Type.HEADER, "s", null, null, false);
    assertThat(t.expired(forever, 1_000_000)).isFalse();

    for (String bad :
        new String[] {null, "", "abc", "a.b", "%%.1.2", "YQ.x.2", "YQ.5.4", "YQ.1.2.3"}) {
      assertThat(SessionTokens.decode(bad)).as(String.valueOf(bad)).isNull();
    }
  }
}
