package dev.gantry.proxy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.RateLimit.KeyPart;
import dev.gantry.model.routing.RateLimit.KeyType;
import dev.gantry.model.routing.RateLimit.Limit;
import dev.gantry.model.routing.RateLimit.Rate;
import dev.gantry.proxy.route.RequestView;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalLimitTest {
  static final RateLimitMetrics METRICS = new RateLimitMetrics(new SimpleMeterRegistry(), "g", "p");

  static RequestView req(String key) {
    DefaultHttpHeaders h = new DefaultHttpHeaders();
    h.set("x-k", key);
    return RequestView.of("GET", "/", h);
  }

  static int passes(LocalLimit l, String key, int tries) {
    int ok = 0;
    for (int i = 0; i < tries; i++) {
      ok += l.check(req(key), null).allowed() ? 1 : 0;
    }
    return ok;
  }

  @Test
  void everyRateMustPass() {
    Limit limit =
        new Limit("two", List.of(new Rate(3, 1000), new Rate(100, 60_000)), List.of(), List.of());
    LocalLimit l = new LocalLimit(limit, false, 1, 10, METRICS);
    assertThat(passes(l, "a", 10)).isEqualTo(3);
    assertThat(l.policyHeader()).isEqualTo("\"two\";q=3;w=1, \"two-1\";q=100;w=60");
  }

  @Test
  void gatewayWideSharesFollowTheReplicaCount() {
    Limit limit = new Limit("gw", List.of(new Rate(90, 60_000)), List.of(), List.of());
    LocalLimit l = new LocalLimit(limit, true, 3, 10, METRICS);
    assertThat(passes(l, "a", 50)).isEqualTo(30);
    // Scaling down to one replica: the share triples and the used fraction (all) is kept.
    l.replicas(1);
    assertThat(passes(l, "a", 5)).isZero();
    LocalLimit fresh = new LocalLimit(limit, true, 1, 10, METRICS);
    fresh.replicas(2);
    assertThat(passes(fresh, "b", 100)).isEqualTo(45);
    assertThat(CompiledLimit.share(1, 5)).isEqualTo(1);
  }

  @Test
  void perKeyBucketsAreCapped() {
    Limit limit =
        new Limit(
            "k",
            List.of(new Rate(1, 60_000)),
            List.of(new KeyPart(KeyType.HEADER, "x-k")),
            List.of());
    LocalLimit l = new LocalLimit(limit, false, 1, 50, METRICS);
    for (int i = 0; i < 500; i++) {
      passes(l, "key-" + i, 1);
    }
    assertThat(l.keys()).isLessThanOrEqualTo(50);
  }
}
