package dev.gantry.proxy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.RateLimit.KeyPart;
import dev.gantry.model.routing.RateLimit.KeyType;
import dev.gantry.proxy.route.RequestView;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitKeyTest {
  final LimitKey key =
      new LimitKey(
          List.of(
              new KeyPart(KeyType.CLIENT_IP, null),
              new KeyPart(KeyType.HEADER, "x-api-key"),
              new KeyPart(KeyType.METHOD, null),
              new KeyPart(KeyType.PATH, null),
              new KeyPart(KeyType.QUERY_PARAM, "tenant")));

  static RequestView view(String uri, String apiKey) {
    HttpHeaders h = new DefaultHttpHeaders();
    if (apiKey != null) {
      h.set("X-Api-Key", apiKey);
    }
    return RequestView.of("GET", uri, h);
  }

  @Test
  void everyPartContributesInOrder() {
    assertThat(key.needsClient()).isTrue();
    assertThat(key.of(view("/a?tenant=t1", "k1"), "1.2.3.4"))
        .isEqualTo("1.2.3.4\u001fk1\u001fGET\u001f/a\u001ft1");
  }

  @Test
  void anAbsentHeaderOrParameterIsTheEmptyStringNotAnEscape() {
    String absent = key.of(view("/a", null), "1.2.3.4");
    assertThat(absent).isEqualTo("1.2.3.4\u001f\u001fGET\u001f/a\u001f");
    assertThat(key.of(view("/a", null), "1.2.3.4")).isEqualTo(absent);
    assertThat(key.of(view("/a", ""), "1.2.3.4")).isEqualTo(absent);
  }

  @Test
  void noPartsIsOneCounterForEverything() {
    LimitKey none = new LimitKey(List.of());
    assertThat(none.needsClient()).isFalse();
    assertThat(none.of(view("/x", "a"), null)).isEmpty();
    assertThat(none.of(view("/y", "b"), null)).isEmpty();
  }
}
