package dev.gantry.operator.testing;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.proxy.control.SnapshotSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A {@link SnapshotSink} that records what it applied and refuses snapshots matching a predicate,
 * the way the real proxy refuses a config that fails to compile.
 */
public final class RecordingSink implements SnapshotSink {

  private final List<GatewaySnapshot> applied = new CopyOnWriteArrayList<>();
  private final List<Long> appliedAtNanos = new CopyOnWriteArrayList<>();
  private volatile Predicate<GatewaySnapshot> refuse = s -> false;
  private volatile String refusal = "refused";
  private volatile int readyReplicas;

  @Override
  public void apply(GatewaySnapshot snapshot) throws Exception {
    if (refuse.test(snapshot)) {
      throw new IllegalArgumentException(refusal);
    }
    applied.add(snapshot);
    appliedAtNanos.add(System.nanoTime());
  }

  @Override
  public void readyReplicas(int replicas) {
    readyReplicas = replicas;
  }

  /** The last ready-replica count the operator sent; 0 = none yet. */
  public int lastReadyReplicas() {
    return readyReplicas;
  }

  public void refuseWhen(Predicate<GatewaySnapshot> predicate, String message) {
    this.refusal = message;
    this.refuse = predicate;
  }

  public List<GatewaySnapshot> applied() {
    return applied;
  }

  public List<Long> appliedAtNanos() {
    return appliedAtNanos;
  }

  public GatewaySnapshot current() {
    return applied.isEmpty() ? null : applied.get(applied.size() - 1);
  }
}
