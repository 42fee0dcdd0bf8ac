package dev.gantry.proxy;

import static dev.gantry.proxy.testing.RateLimits.limit;
import static dev.gantry.proxy.testing.RateLimits.refs;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gantry.model.routing.RateLimit;
import dev.gantry.model.routing.RateLimit.FailureMode;
import dev.gantry.model.routing.RateLimit.Scope;
import dev.gantry.proxy.ratelimit.RateLimitSettings;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RateLimits;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.RedisServers;
import dev.gantry.proxy.testing.Snap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Redis killed mid-load, with a redis-server this test starts itself (never the shared one).
 * failureMode Open: every request still succeeds, and once the breaker is open none waits for the
 * store; Closed: 503 at once; both recover when Redis comes back.
 */
@ExtendWith(LeakGuard.class)
@Timeout(120)
class RedisOutageIT {
  static final Duration STORE_TIMEOUT = RateLimitSettings.DEFAULT_STORE_TIMEOUT;

  /** Loopback, the echo backend and a loaded 2-core machine, on top of the store's time. */
  static final long SLACK_MS = 150;

  record Sample(int status, long millis, String rateLimit) {}

  static Sample timed(ProxyFixture f, String path) {
    long t0 = System.nanoTime();
    RawHttp.Response r = f.get(80, "a.example", path);
    return new Sample(r.status(), (System.nanoTime() - t0) / 1_000_000, r.header("ratelimit"));
  }

  @Test
  void openKeepsServingWithoutWaitingClosedAnswers503AndBothRecover() throws Exception {
    try (RedisServers.Owned redis = new RedisServers.Owned();
        ProxyFixture f =
            new ProxyFixture(
                new RateLimitSettings(
                    redis.url(), STORE_TIMEOUT, Duration.ofMillis(300), 0, true, 1000))) {
      RateLimit open =
          RateLimits.of(
              "rl-open", Scope.GLOBAL, FailureMode.OPEN, false, limit("all", 1_000_000, 600_000));
      RateLimit closed =
          RateLimits.of(
              "rl-closed",
              Scope.GLOBAL,
              FailureMode.CLOSED,
              false,
              limit("all", 1_000_000, 600_000));
      f.apply(
          f.snap()
              .rateLimit(open)
              .rateLimit(closed)
              .listener("http", 80, null)
              .route(
                  "http",
                  "a.example",
                  prefix("/open"),
                  Snap.forward("r0", "v1").withPolicies(refs("rl-open")))
              .route(
                  "http",
                  "a.example",
                  prefix("/closed"),
                  Snap.forward("r1", "v1").withPolicies(refs("rl-closed"))));
      // Warm: the store answers (the RateLimit header proves the check ran against Redis).
      await().atMost(Duration.ofSeconds(10)).until(() -> timed(f, "/open").rateLimit() != null);
      assertThat(timed(f, "/closed").status()).isEqualTo(200);

      redis.kill();

      List<Sample> openSamples = new ArrayList<>();
      List<Sample> closedSamples = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        openSamples.add(timed(f, "/open"));
        closedSamples.add(timed(f, "/closed"));
      }
      assertThat(openSamples).allSatisfy(s -> assertThat(s.status()).isEqualTo(200));
      assertThat(closedSamples).allSatisfy(s -> assertThat(s.status()).isEqualTo(503));
      List<Sample> all = new ArrayList<>(openSamples);
      all.addAll(closedSamples);
      // No request waits longer than the store timeout (plus transport slack)...
      assertThat(all)
          .allSatisfy(s -> assertThat(s.millis()).isLessThan(STORE_TIMEOUT.toMillis() + SLACK_MS));
      // ...and the typical one does not wait for the store at all: the breaker fails it fast.
      List<Long> millis = new ArrayList<>(all.stream().map(Sample::millis).toList());
      Collections.sort(millis);
      System.out.println(
          "Redis down: "
              + all.size()
              + " requests, median "
              + millis.get(millis.size() / 2)
              + " ms, max "
              + millis.get(millis.size() - 1)
              + " ms (store timeout "
              + STORE_TIMEOUT.toMillis()
              + " ms)");
      assertThat(millis.get(millis.size() / 2)).isLessThan(STORE_TIMEOUT.toMillis() / 2);
      assertThat(f.registry.scrape()).containsPattern("result=\"store_error\"} [1-9]");

      redis.start();
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> timed(f, "/open").rateLimit() != null && timed(f, "/closed").status() == 200);
    }
  }
}
