package dev.gantry.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.AppProtocol;
import dev.gantry.model.routing.backend.CircuitBreaker;
import dev.gantry.model.routing.backend.OutlierDetection;
import dev.gantry.model.routing.backend.RetryBudget;
import dev.gantry.proxy.route.UpstreamEndpoint;
import dev.gantry.proxy.server.Transport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Endpoint state (streaks, exponential ejection), cluster load limits and the retry budget. */
class UpstreamStateTest {
  static final OutlierDetection OUTLIER = new OutlierDetection(true, 5, 3, 1_000, 5_000, 50);
  static final long MS = 1_000_000L;

  private static EndpointState state() {
    return new EndpointState(
        new UpstreamEndpoint(new InetSocketAddress("127.0.0.1", 9), AppProtocol.HTTP1), 0);
  }

  @Test
  void connectFailureStreakReachesTheThresholdAndASuccessBreaksIt() {
    EndpointState s = state();
    assertThat(s.onGatewayFailure(OUTLIER)).isFalse();
    assertThat(s.onGatewayFailure(OUTLIER)).isFalse();
    s.onSuccess();
    assertThat(s.onGatewayFailure(OUTLIER)).isFalse();
    assertThat(s.onGatewayFailure(OUTLIER)).isFalse();
    assertThat(s.onGatewayFailure(OUTLIER)).isTrue();
    for (int i = 0; i < 4; i++) {
      assertThat(s.on5xx(OUTLIER)).isFalse();
    }
    assertThat(s.on5xx(OUTLIER)).isTrue();
  }

  @Test
  void ejectionTimeDoublesPerEjectionUpToTheMaximumAndEndsOnItsOwn() {
    EndpointState s = state();
    long now = 1_000_000 * MS;
    assertThat(s.eject(OUTLIER, now)).isTrue();
    assertThat(s.ejected(now + 999 * MS)).isTrue();
    assertThat(s.ejected(now + 1_000 * MS)).isFalse();
    assertThat(s.eject(OUTLIER, now)).as("already ejected: not twice").isFalse();

    long second = now + 1_000 * MS;
    assertThat(s.eject(OUTLIER, second)).isTrue();
    assertThat(s.ejected(second + 1_999 * MS)).isTrue();
    assertThat(s.ejected(second + 2_000 * MS)).isFalse();

    long third = second + 2_000 * MS;
    s.eject(OUTLIER, third); // 4 s
    long fourth = third + 4_000 * MS;
    s.eject(OUTLIER, fourth); // 8 s, capped at 5 s
    assertThat(s.ejected(fourth + 4_999 * MS)).isTrue();
    assertThat(s.ejected(fourth + 5_000 * MS)).isFalse();
    assertThat(s.ejections()).isEqualTo(4);
  }

  @Test
  void aSuccessAfterReturningResetsTheBackoffButNotWhileEjected() {
    EndpointState s = state();
    s.eject(OUTLIER, System.nanoTime());
    s.onSuccess(); // a response of a request sent before the ejection
    assertThat(s.ejections()).isEqualTo(1);
    EndpointState t = state();
    t.eject(OUTLIER, System.nanoTime() - 2_000 * MS); // already over
    t.onSuccess();
    assertThat(t.ejections()).isZero();
  }

  @Test
  void circuitBreakerLimitsRequestsAndPendingAndCountsRejections() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ClusterLoad load = new ClusterLoad("c", meters, "gw");
    CircuitBreaker cb = new CircuitBreaker(10, 1, 2, 1);
    assertThat(load.tryStartRequest(cb)).isTrue();
    assertThat(load.tryStartRequest(cb)).isTrue();
    assertThat(load.tryStartRequest(cb)).isFalse();
    assertThat(load.requests()).isEqualTo(2);
    load.requestEnded();
    assertThat(load.tryStartRequest(cb)).as("recovers as soon as load drops").isTrue();
    assertThat(load.tryStartPending(cb)).isTrue();
    assertThat(load.tryStartPending(cb)).isFalse();
    load.pendingEnded();
    assertThat(load.pending()).isZero();
    assertThat(
            meters
                .get("gantry.upstream.overload")
                .tag("cluster", "c")
                .tag("limit", ClusterLoad.MAX_REQUESTS)
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  @Test
  void retryBudgetAllowsTheLargerOfMinimumConcurrencyAndAPercentOfActiveRequests() {
    ClusterLoad load = new ClusterLoad("c", new SimpleMeterRegistry(), "gw");
    CircuitBreaker roomy = new CircuitBreaker(1000, 1000, 1000, 1000);
    RetryBudget budget = new RetryBudget(20, 2);
    for (int i = 0; i < 20; i++) {
      load.tryStartRequest(roomy);
    }
    // 20 active: 20 % = 4 retries > minimum 2.
    for (int i = 0; i < 4; i++) {
      assertThat(load.tryStartRetry(roomy, budget)).isTrue();
    }
    assertThat(load.tryStartRetry(roomy, budget)).isFalse();
    load.retryEnded();
    assertThat(load.tryStartRetry(roomy, budget)).isTrue();
    // The circuit breaker's maxRetries caps it as well.
    ClusterLoad other = new ClusterLoad("d", new SimpleMeterRegistry(), "gw");
    CircuitBreaker tight = new CircuitBreaker(1000, 1000, 1000, 1);
    assertThat(other.tryStartRetry(tight, budget)).isTrue();
    assertThat(other.tryStartRetry(tight, budget)).isFalse();
  }

  @Test
  void registryKeepsStateOfListedEndpointsAndDropsTheRest() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    UpstreamRegistry r = new UpstreamRegistry(meters, "gw", Transport.best());
    UpstreamEndpoint a =
        new UpstreamEndpoint(new InetSocketAddress("127.0.0.1", 1001), AppProtocol.HTTP1);
    UpstreamEndpoint b =
        new UpstreamEndpoint(new InetSocketAddress("127.0.0.1", 1002), AppProtocol.HTTP1);
    ClusterMember ma = r.member("c", a);
    r.member("c", b);
    assertThat(r.member("c", a)).isSameAs(ma);
    assertThat(r.endpointCount()).isEqualTo(2);
    r.activate(List.of());
    assertThat(r.endpointCount()).isZero();
    assertThat(meters.find("gantry.upstream.endpoint.healthy").gauges()).isEmpty();
    assertThat(r.member("c", a)).as("a new member after being dropped").isNotSameAs(ma);
  }
}
