package dev.gantry.operator.status;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

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
  private final CompletableFuture<?> running;

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
    this.running =
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
            .build()
            .start();
  }

  @Override
  public boolean isLeader() {
    return leader.get();
  }

  /** Gives up the lease (released, so a follower takes over without waiting for it to expire). */
  @Override
  public void close() {
    running.cancel(true);
    leader.set(false);
  }
}
