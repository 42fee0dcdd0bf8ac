package dev.gantry.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.operator.testing.MockCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CA Secret lifecycle against the Fabric8 mock API server (CRUD): creation, races between
 * replicas settled by the API server's create and resourceVersion conflicts, the rotation steps,
 * and the bundle ConfigMap. Time is a test clock here; {@link ControlChannelIT} rotates under real
 * TLS in real time.
 */
@Timeout(60)
class OperatorCaIT {

  static final String NS = "gantry-system";
  static final String SECRET = "gantry-ca";
  static final OperatorCa.ServingNames NAMES =
      OperatorCa.ServingNames.forAdvertisedHost("gantry-operator.gantry-system.svc", "10.0.0.7");

  MockCluster cluster;
  final TestClock clock = new TestClock(Instant.now());

  @BeforeEach
  void start() {
    cluster = new MockCluster();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  OperatorCa replica(Clock c) {
    return new OperatorCa(cluster.newClient(), NS, SECRET, CaRotationPolicy.DEFAULT, c, NAMES);
  }

  Secret secret() {
    return cluster.client().secrets().inNamespace(NS).withName(SECRET).get();
  }

  @Test
  void replicasStartingTogetherSettleOnOneCa() throws Exception {
    int n = 4;
    CyclicBarrier together = new CyclicBarrier(n);
    List<OperatorCa> replicas =
        java.util.stream.IntStream.range(0, n).mapToObj(i -> replica(clock)).toList();
    List<CompletableFuture<Void>> runs =
        replicas.stream()
            .map(
                r ->
                    CompletableFuture.runAsync(
                        () -> {
                          try {
                            together.await();
                          } catch (Exception e) {
                            throw new IllegalStateException(e);
                          }
                          r.refresh();
                        }))
            .toList();
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get();

    CaState stored = CaState.fromSecret(secret());
    for (OperatorCa r : replicas) {
      assertThat(r.state().current().certificate()).isEqualTo(stored.current().certificate());
      assertThat(r.serving().issuer()).isEqualTo(stored.current().certificate());
      r.serving().leaf().verify(stored.current().certificate().getPublicKey());
    }
    long creates =
        cluster.drainWrites().stream()
            .filter(w -> w.startsWith("POST") && w.contains("/secrets"))
            .count();
    assertThat(creates).as("every replica tried, one create landed").isBetween(1L, (long) n);
  }

  @Test
  void aReplicaWhoseUpdateRacesAnotherOnesAdoptsTheWinnersState() {
    OperatorCa a = replica(clock);
    a.refresh();
    CertificateAuthority first = a.state().current();

    // Both replicas find the rotation due; B's write lands between A's read and A's write.
    clock.set(first.notAfter().minus(Duration.ofDays(90)));
    OperatorCa b = replica(clock);
    AtomicBoolean raced = new AtomicBoolean();
    Clock racing =
        new Clock() {
          @Override
          public Instant instant() {
            if (raced.compareAndSet(false, true)) {
              b.refresh();
            }
            return clock.instant();
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    OperatorCa aRacing =
        new OperatorCa(cluster.newClient(), NS, SECRET, CaRotationPolicy.DEFAULT, racing, NAMES);
    cluster.drainRequests();
    aRacing.refresh();

    List<String> writes = cluster.drainWrites();
    // B's update, A's refused update (stale resourceVersion), nothing more: A re-read and found
    // the step already taken.
    assertThat(writes).filteredOn(w -> w.startsWith("PUT")).hasSize(2);
    CaState stored = CaState.fromSecret(secret());
    assertThat(stored.next()).isNotNull();
    assertThat(aRacing.state().sameAs(stored)).isTrue();
    assertThat(b.state().sameAs(stored)).isTrue();
  }

  @Test
  void theRotationStepsReachTheSecretAndTheServingCertificateFollowsTheSigningCa() {
    OperatorCa a = replica(clock);
    OperatorCa b = replica(clock);
    a.refresh();
    b.refresh();
    CertificateAuthority first = a.state().current();

    clock.set(first.notAfter().minus(Duration.ofDays(90)));
    a.refresh();
    b.refresh();
    assertThat(b.state().next()).isNotNull();
    // Re-issued (it neared expiry over the months skipped), but still by the first CA: the next
    // one does not sign yet.
    assertThat(b.serving().issuer()).isEqualTo(first.certificate());

    clock.advance(Duration.ofMinutes(10));
    b.refresh();
    a.refresh();
    CaState promoted = CaState.fromSecret(secret());
    assertThat(promoted.current().certificate()).isNotEqualTo(first.certificate());
    assertThat(promoted.retired()).isEqualTo(first.certificate());
    assertThat(a.serving().issuer()).isEqualTo(promoted.current().certificate());
    assertThat(b.serving().issuer()).isEqualTo(promoted.current().certificate());
    // The retired CA's key is gone from the Secret: it can never sign again.
    assertThat(secret().getData()).doesNotContainKey(CaState.NEXT_KEY);
    assertThat(secret().getData()).containsKeys(CaState.CA_KEY, CaState.RETIRED_CRT);
    assertThat(secret().getMetadata().getAnnotations())
        .containsKey(CaState.RETIRED_UNTIL_ANNOTATION);

    clock.set(promoted.retiredUntil());
    a.refresh();
    assertThat(CaState.fromSecret(secret()).bundle())
        .containsExactly(promoted.current().certificate());
  }

  @Test
  void theLeaderPublishesTheBundleWithoutKeysToEveryFleetNamespace() {
    OperatorCa ca = replica(clock);
    AtomicBoolean leader = new AtomicBoolean(false);
    AtomicReference<Set<String>> namespaces = new AtomicReference<>(Set.of("infra", "edge"));
    CaBundlePublisher publisher =
        new CaBundlePublisher(cluster.client(), leader::get, namespaces::get, ca::bundlePem);
    ca.onRefresh(s -> publisher.publishAll());
    ca.refresh();
    assertThat(bundle("infra")).as("followers do not write").isNull();

    leader.set(true);
    ca.refresh();
    String pem = ca.state().bundlePem();
    assertThat(bundle("infra").getData()).containsOnlyKeys(CaBundlePublisher.KEY);
    assertThat(bundle("infra").getData().get(CaBundlePublisher.KEY))
        .isEqualTo(pem)
        .doesNotContain("PRIVATE KEY");
    assertThat(bundle("edge").getData().get(CaBundlePublisher.KEY)).isEqualTo(pem);

    // Unchanged: no write. A new namespace: one create. A rotation: every namespace updated.
    cluster.drainRequests();
    namespaces.set(Set.of("infra", "edge", "apps"));
    ca.refresh();
    assertThat(cluster.drainWrites())
        .filteredOn(w -> w.contains("/configmaps"))
        .containsExactly("POST /api/v1/namespaces/apps/configmaps");
    clock.set(ca.state().current().notAfter().minus(Duration.ofDays(90)));
    ca.refresh();
    for (String ns : List.of("infra", "edge", "apps")) {
      assertThat(CertificateAuthority.certificates(bundle(ns).getData().get(CaBundlePublisher.KEY)))
          .hasSize(2);
    }
  }

  ConfigMap bundle(String ns) {
    return cluster
        .client()
        .configMaps()
        .inNamespace(ns)
        .withName(CaBundlePublisher.CONFIG_MAP)
        .get();
  }

  /** A settable clock shared by the replicas of a test. */
  static final class TestClock extends Clock {
    private volatile Instant now;

    TestClock(Instant now) {
      this.now = now;
    }

    void set(Instant t) {
      now = t;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
