package dev.gantry.operator.status;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Leader election on a coordination.k8s.io Lease, using Fabric8's elector (the same one JOSDK
 * wraps).
 *
 * <p>Why not JOSDK's own leader election: JOSDK stops reconciling on followers, but every replica
 * must translate and serve snapshots to the proxies connected to it (DESIGN.md decision 3). So all
 * replicas reconcile, and only the writers (status, fleet) ask this class whether they may write.
 */
public final class LeaseLeadership implements Leadership, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(LeaseLeadership.class.getName());

  private final AtomicBoolean leader = new AtomicBoolean();
  private final AtomicReference<CompletableFuture<?>> running = new AtomicReference<>();
  private final LeaderElector elector;
  private final String identity;
  private final Duration retry;
  private volatile boolean closed;

  /**
   * @param onStartLeading run when this replica becomes leader (e.g. flush pending statuses)
   */
  public LeaseLeadership(
      KubernetesClient client,
      String namespace,
      String leaseName,
      String identity,
      Duration leaseDuration,
      Runnable onStartLeading) {
    Duration renew = leaseDuration.multipliedBy(2).dividedBy(3);
    Duration retry = leaseDuration.dividedBy(5);
    this.identity = identity;
    this.retry = retry;
    this.elector =
        client
            .leaderElector()
            .withConfig(
                new LeaderElectionConfigBuilder()
                    .withName(leaseName)
                    .withLeaseDuration(leaseDuration)
                    .withRenewDeadline(renew)
                    .withRetryPeriod(retry)
                    .withReleaseOnCancel()
                    .withLock(new LeaseLock(namespace, leaseName, identity))
                    .withLeaderCallbacks(
                        new LeaderCallbacks(
                            () -> {
                              leader.set(true);
                              LOG.log(System.Logger.Level.INFO, "{0} leads", identity);
                              onStartLeading.run();
                            },
                            () -> {
                              leader.set(false);
                              LOG.log(System.Logger.Level.INFO, "{0} stopped leading", identity);
                            },
                            newLeader ->
                                LOG.log(System.Logger.Level.INFO, "leader is {0}", newLeader)))
                    .build())
            .build();
    campaign();
  }

  /**
   * Runs the elector, and runs it again whenever it ends while this replica is open: Fabric8's
   * elector ends for good once its leader misses the renew deadline (an API server restart or
   * outage longer than that), so without this a replica that lost the Lease once never stood again,
   * and with every replica in that state no one wrote status (found by the E2E tier).
   */
  private void campaign() {
    if (closed) {
      return;
    }
    CompletableFuture<?> f = elector.start();
    running.set(f);
    f.whenComplete(
        (ignored, error) -> {
          if (!closed) {
            LOG.log(
                System.Logger.Level.INFO,
                "{0} stands for the Lease again after losing it",
                identity);
            CompletableFuture.delayedExecutor(retry.toMillis(), TimeUnit.MILLISECONDS)
                .execute(this::campaign);
          }
        });
  }

  @Override
  public boolean isLeader() {
    return leader.get();
  }

  /** Gives up the lease (released, so a follower takes over without waiting for it to expire). */
  @Override
  public void close() {
    closed = true;
    CompletableFuture<?> f = running.get();
    if (f != null) {
      f.cancel(true);
    }
    leader.set(false);
  }
}
