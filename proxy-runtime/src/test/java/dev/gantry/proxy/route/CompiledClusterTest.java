package dev.gantry.proxy.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.SourceRef;
import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.model.routing.AppProtocol;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.backend.BackendPolicy;
import dev.gantry.model.routing.backend.LoadBalancing;
import dev.gantry.model.routing.backend.OutlierDetection;
import dev.gantry.proxy.balance.RequestHash;
import dev.gantry.proxy.server.Transport;
import dev.gantry.proxy.upstream.ClusterMember;
import dev.gantry.proxy.upstream.UpstreamRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Endpoint choice over live state: ready vs serving-terminating, ejection caps, retries. */
class CompiledClusterTest {
  private final UpstreamRegistry registry =
      new UpstreamRegistry(new SimpleMeterRegistry(), "gw", Transport.best());

  private static Endpoint ready(int port) {
    return new Endpoint("127.0.0.1", port, true, true, false, null);
  }

  private CompiledCluster cluster(OutlierDetection outlier, Endpoint... eps) {
    BackendPolicy policy =
        new BackendPolicy(
            null,
            new LoadBalancing(LoadBalancing.Type.ROUND_ROBIN, null, null, 0),
            null,
            outlier,
            null,
            null,
            null);
    return new CompiledCluster(
        new Cluster("c", SourceRef.of("Service", "ns", "c"), AppProtocol.HTTP1, policy),
        List.of(eps),
        registry);
  }

  private static Set<String> picks(CompiledCluster c, int n) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < n; i++) {
      ClusterMember m = c.pick(RequestHash.NO_HASH);
      seen.add(m == null ? "none" : m.key());
    }
    return seen;
  }

  @Test
  void ejectionCapLetsOneOfTwoGoAndNeverEmptiesTheCluster() {
    assertThat(CompiledCluster.mayEject(0, 1, 50)).isFalse();
    assertThat(CompiledCluster.mayEject(0, 1, 100)).isTrue();
    assertThat(CompiledCluster.mayEject(0, 2, 10)).isTrue();
    assertThat(CompiledCluster.mayEject(1, 2, 50)).isFalse();
    assertThat(CompiledCluster.mayEject(1, 3, 50)).isFalse();
    assertThat(CompiledCluster.mayEject(4, 10, 50)).isTrue();
    assertThat(CompiledCluster.mayEject(5, 10, 50)).isFalse();
    assertThat(CompiledCluster.mayEject(0, 5, 0)).isFalse();
  }

  @Test
  void consecutiveFailuresEjectOneEndpointAndTheCapProtectsTheOthers() {
    OutlierDetection od = new OutlierDetection(true, 5, 2, 60_000, 60_000, 50);
    CompiledCluster c = cluster(od, ready(2001), ready(2002), ready(2003));
    ClusterMember a = c.members().get(0);
    ClusterMember b = c.members().get(1);
    c.reportFailure(a);
    assertThat(picks(c, 6)).hasSize(3);
    c.reportFailure(a);
    assertThat(picks(c, 6)).containsExactlyInAnyOrder(b.key(), c.members().get(2).key());
    c.reportFailure(b);
    c.reportFailure(b);
    assertThat(b.available(System.nanoTime())).as("a second ejection exceeds 50 %").isTrue();
    assertThat(c.load().cluster()).isEqualTo("c");
  }

  @Test
  void servingTerminatingEndpointsStandInOnlyWhenNoReadyOneIsAvailable() {
    Endpoint terminating = new Endpoint("127.0.0.1", 2102, false, true, true, null);
    Endpoint notServing = new Endpoint("127.0.0.1", 2103, false, false, true, null);
    OutlierDetection od = new OutlierDetection(true, 5, 1, 60_000, 60_000, 100);
    CompiledCluster c = cluster(od, ready(2101), terminating, notServing);
    assertThat(c.members()).hasSize(2);
    assertThat(picks(c, 5)).containsExactly("127.0.0.1:2101");
    c.reportFailure(c.members().get(0));
    assertThat(picks(c, 5)).containsExactly("127.0.0.1:2102");
  }

  @Test
  void aRetryGoesToAnotherEndpointWhenThereIsOne() {
    CompiledCluster c = cluster(OutlierDetection.DEFAULT, ready(2201), ready(2202));
    ClusterMember first = c.members().get(0);
    for (int i = 0; i < 10; i++) {
      assertThat(c.pickOther(RequestHash.NO_HASH, first)).isSameAs(c.members().get(1));
    }
    CompiledCluster single = cluster(OutlierDetection.DEFAULT, ready(2301));
    ClusterMember only = single.members().get(0);
    assertThat(single.pickOther(RequestHash.NO_HASH, only)).isSameAs(only);
  }

  @Test
  void stateSurvivesARecompileOfTheSameEndpoints() {
    OutlierDetection od = new OutlierDetection(true, 5, 1, 60_000, 60_000, 50);
    CompiledCluster before = cluster(od, ready(2401), ready(2402));
    before.reportFailure(before.members().get(0));
    CompiledCluster after = cluster(od, ready(2401), ready(2402), ready(2403));
    assertThat(after.members().get(0)).isSameAs(before.members().get(0));
    assertThat(after.members().get(0).available(System.nanoTime())).isFalse();
  }
}
