package dev.gantry.proxy.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.backend.HashOn;
import dev.gantry.model.routing.backend.LoadBalancing;
import dev.gantry.model.routing.backend.LoadBalancing.HashTable;
import dev.gantry.model.routing.backend.LoadBalancing.Type;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LoadBalancersTest {

  /** A test endpoint set: keys, availability and in-flight counts set by the test. */
  static final class Endpoints implements EndpointSet {
    final List<String> keys;
    final boolean[] available;
    final int[] active;
    final long[] addedAt;

    Endpoints(int n) {
      this(keys(n));
    }

    Endpoints(List<String> keys) {
      this.keys = keys;
      available = new boolean[keys.size()];
      java.util.Arrays.fill(available, true);
      active = new int[keys.size()];
      addedAt = new long[keys.size()];
      java.util.Arrays.fill(addedAt, System.nanoTime() - 3_600_000_000_000L);
    }

    static List<String> keys(int n) {
      List<String> k = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        k.add("10.0.0." + (i + 1) + ":8080");
      }
      return k;
    }

    @Override
    public int size() {
      return keys.size();
    }

    @Override
    public boolean available(int i) {
      return available[i];
    }

    @Override
    public int activeRequests(int i) {
      return active[i];
    }

    @Override
    public long addedAtNanos(int i) {
      return addedAt[i];
    }
  }

  private static LoadBalancing hashing(HashTable table) {
    return new LoadBalancing(
        Type.CONSISTENT_HASH, new HashOn(HashOn.Source.HEADER, "x-user", 0), table, 0);
  }

  @Test
  void roundRobinIsExactAndSkipsUnavailableEndpoints() {
    Endpoints e = new Endpoints(3);
    LoadBalancer lb =
        LoadBalancers.create(new LoadBalancing(Type.ROUND_ROBIN, null, null, 0), e.keys);
    int[] counts = new int[3];
    for (int i = 0; i < 300; i++) {
      counts[lb.pick(e, 0)]++;
    }
    assertThat(counts).containsExactly(100, 100, 100);

    e.available[1] = false;
    counts = new int[3];
    for (int i = 0; i < 300; i++) {
      counts[lb.pick(e, 0)]++;
    }
    assertThat(counts[1]).isZero();
    assertThat(counts[0] + counts[2]).isEqualTo(300);
    assertThat(Math.abs(counts[0] - counts[2])).isLessThanOrEqualTo(100);

    java.util.Arrays.fill(e.available, false);
    assertThat(lb.pick(e, 0)).isEqualTo(LoadBalancer.NONE);
  }

  @Test
  void slowStartGivesANewEndpointASmallButGrowingShare() {
    Endpoints e = new Endpoints(2);
    e.addedAt[1] = System.nanoTime(); // just joined; 60 s window
    LoadBalancer rr =
        LoadBalancers.create(new LoadBalancing(Type.ROUND_ROBIN, null, null, 60_000), e.keys);
    int[] counts = new int[2];
    for (int i = 0; i < 1_100; i++) {
      counts[rr.pick(e, 0)]++;
    }
    // 10 % weight against 100 %: about 1 in 11, spread out rather than in one burst.
    assertThat(counts[1]).isBetween(90, 120);

    e.addedAt[1] = System.nanoTime() - 30_000_000_000L; // half way: about 50 %
    counts = new int[2];
    for (int i = 0; i < 1_500; i++) {
      counts[rr.pick(e, 0)]++;
    }
    assertThat(counts[1]).isBetween(450, 550);
  }

  @Test
  void leastRequestAvoidsTheBusyEndpoint() {
    Endpoints e = new Endpoints(3);
    e.active[0] = 50; // a slow endpoint piles up requests
    LoadBalancer lb = LoadBalancers.create(LoadBalancing.DEFAULT, e.keys);
    int[] counts = new int[3];
    for (int i = 0; i < 3_000; i++) {
      counts[lb.pick(e, 0)]++;
    }
    // Endpoint 0 only wins when both draws land on it, and P2C never draws the same one twice.
    assertThat(counts[0]).isZero();
    assertThat(counts[1]).isBetween(1_200, 1_800);

    e.available[1] = false;
    e.available[2] = false;
    assertThat(lb.pick(e, 0)).isZero(); // busy but the only one left
    e.available[0] = false;
    assertThat(lb.pick(e, 0)).isEqualTo(LoadBalancer.NONE);
  }

  @ParameterizedTest
  @EnumSource(HashTable.class)
  void consistentHashKeepsKeysAcrossRebuildsAndOrder(HashTable table) {
    Endpoints e = new Endpoints(3);
    LoadBalancer first = LoadBalancers.create(hashing(table), e.keys);
    List<String> shuffled = new ArrayList<>(e.keys);
    Collections.shuffle(shuffled, new Random(7));
    Endpoints e2 = new Endpoints(shuffled);
    LoadBalancer rebuilt = LoadBalancers.create(hashing(table), shuffled);
    for (int k = 0; k < 1_000; k++) {
      long h = RequestHash.of("user-" + k);
      assertThat(e2.keys.get(rebuilt.pick(e2, h))).isEqualTo(e.keys.get(first.pick(e, h)));
    }
  }

  @ParameterizedTest
  @EnumSource(HashTable.class)
  void addingAFourthEndpointRemapsAboutAQuarterOfTheKeys(HashTable table) {
    Endpoints three = new Endpoints(3);
    Endpoints four = new Endpoints(4);
    LoadBalancer a = LoadBalancers.create(hashing(table), three.keys);
    LoadBalancer b = LoadBalancers.create(hashing(table), four.keys);
    int moved = 0;
    int movedBetweenOld = 0;
    int[] share = new int[4];
    for (int k = 0; k < 10_000; k++) {
      long h = RequestHash.of("user-" + k);
      String before = three.keys.get(a.pick(three, h));
      String after = four.keys.get(b.pick(four, h));
      share[b.pick(four, h)]++;
      if (!before.equals(after)) {
        moved++;
        if (!after.equals(four.keys.get(3))) {
          movedBetweenOld++;
        }
      }
    }
    assertThat(moved).isBetween(2_000, 3_000); // ideal 1/4 = 2,500
    // A ring moves keys only to the newcomer; Maglev trades a little disruption for balance.
    assertThat(movedBetweenOld).isLessThanOrEqualTo(table == HashTable.RING ? 0 : 300);
    for (int s : share) {
      assertThat(s).isBetween(2_000, 3_000);
    }
  }

  @ParameterizedTest
  @EnumSource(HashTable.class)
  void anUnavailableEndpointOnlyMovesItsOwnKeysAndGetsThemBack(HashTable table) {
    Endpoints e = new Endpoints(3);
    LoadBalancer lb = LoadBalancers.create(hashing(table), e.keys);
    Map<Integer, Integer> before = new HashMap<>();
    for (int k = 0; k < 2_000; k++) {
      before.put(k, lb.pick(e, RequestHash.of("user-" + k)));
    }
    e.available[2] = false;
    for (int k = 0; k < 2_000; k++) {
      int now = lb.pick(e, RequestHash.of("user-" + k));
      assertThat(now).isNotEqualTo(2);
      if (before.get(k) != 2) {
        assertThat(now).isEqualTo(before.get(k));
      }
    }
    e.available[2] = true;
    for (int k = 0; k < 2_000; k++) {
      assertThat(lb.pick(e, RequestHash.of("user-" + k))).isEqualTo(before.get(k));
    }
    java.util.Arrays.fill(e.available, false);
    assertThat(lb.pick(e, RequestHash.of("x"))).isEqualTo(LoadBalancer.NONE);
  }

  @ParameterizedTest
  @EnumSource(HashTable.class)
  void requestsWithoutAKeySpreadOverEveryEndpoint(HashTable table) {
    Endpoints e = new Endpoints(3);
    LoadBalancer lb = LoadBalancers.create(hashing(table), e.keys);
    int[] counts = new int[3];
    for (int i = 0; i < 3_000; i++) {
      counts[lb.pick(e, RequestHash.NO_HASH)]++;
    }
    for (int c : counts) {
      assertThat(c).isBetween(700, 1_300);
    }
  }
}
