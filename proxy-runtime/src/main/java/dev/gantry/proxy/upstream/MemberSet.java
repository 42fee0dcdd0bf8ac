package dev.gantry.proxy.upstream;

import dev.gantry.proxy.balance.EndpointSet;
import java.util.List;

/**
 * A cluster's endpoints of one kind (ready, or serving while terminating) in the fixed order of one
 * compiled config, as its {@link dev.gantry.proxy.balance.LoadBalancer} sees them.
 */
public final class MemberSet implements EndpointSet {
  private final ClusterMember[] members;

  public MemberSet(List<ClusterMember> members) {
    this.members = members.toArray(ClusterMember[]::new);
  }

  @Override
  public int size() {
    return members.length;
  }

  public ClusterMember member(int i) {
    return members[i];
  }

  @Override
  public boolean available(int i) {
    return members[i].available(System.nanoTime());
  }

  @Override
  public int activeRequests(int i) {
    return members[i].state().activeRequests();
  }

  @Override
  public long addedAtNanos(int i) {
    return members[i].state().addedAtNanos();
  }

  /** The index of {@code m}, or -1. Linear: used on the rare paths (retries, sessions). */
  public int indexOf(ClusterMember m) {
    for (int i = 0; i < members.length; i++) {
      if (members[i] == m) {
        return i;
      }
    }
    return -1;
  }

  /**
   * This set with endpoint {@code excluded} unavailable: a retry after a failed attempt goes to
   * another endpoint whenever there is one.
   */
  public EndpointSet excluding(int excluded) {
    return new EndpointSet() {
      @Override
      public int size() {
        return members.length;
      }

      @Override
      public boolean available(int i) {
        return i != excluded && MemberSet.this.available(i);
      }

      @Override
      public int activeRequests(int i) {
        return MemberSet.this.activeRequests(i);
      }

      @Override
      public long addedAtNanos(int i) {
        return MemberSet.this.addedAtNanos(i);
      }
    };
  }
}
