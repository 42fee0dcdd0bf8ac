package dev.gantry.operator.status;

import dev.gantry.operator.stream.ProxyAcks;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A RateLimitPolicy's {@code Enforced} condition for one ancestor Gateway, from that Gateway's
 * proxies' ACKs: a policy is only enforced once the proxies run a routing version that contains it
 * (users of other gateways report "Enforced" policies that limit nothing; this one cannot).
 *
 * <ul>
 *   <li>accepted, in the routing version, and every connected proxy runs that version: True, {@code
 *       Enforced}, "N of N proxies run routing version V, which contains the policy";
 *   <li>within {@code grace} of the version's first appearance with proxies connected: no verdict
 *       yet (empty), so a fast rollout costs one write;
 *   <li>no proxy connected to this replica while the live condition says True for this version (an
 *       operator restart): the live condition, which we cannot see to be wrong;
 *   <li>otherwise False, {@code Pending}, with the counts (or why the policy is not in the config).
 * </ul>
 */
public final class EnforcedCondition {

  public static final String TYPE = "Enforced";
  public static final String REASON_ENFORCED = "Enforced";
  public static final String REASON_PENDING = "Pending";

  private EnforcedCondition() {}

  public static Optional<Condition> decide(
      boolean accepted,
      boolean inRouting,
      ProxyAcks.RoutingProgress progress,
      String version,
      Instant versionSeenAt,
      Instant now,
      Duration grace,
      Condition live,
      Long generation) {
    String suffix = " routing version " + version + ", which contains the policy";
    String counts = progress.acked() + " of " + progress.connected() + " proxies run" + suffix;
    if (!accepted || !inRouting || version == null) {
      return Optional.of(
          condition(
              "False",
              REASON_PENDING,
              "0 of "
                  + progress.connected()
                  + " proxies enforce the policy: it is not "
                  + (accepted ? "in the routing version yet" : "accepted"),
              now,
              generation));
    }
    if (progress.connected() > 0 && progress.acked() == progress.connected()) {
      return Optional.of(condition("True", REASON_ENFORCED, counts, now, generation));
    }
    boolean inGrace = versionSeenAt != null && now.isBefore(versionSeenAt.plus(grace));
    if (inGrace && progress.connected() > 0) {
      return Optional.empty();
    }
    if (progress.connected() == 0
        && live != null
        && "True".equals(live.getStatus())
        && live.getMessage() != null
        && live.getMessage().endsWith(suffix)) {
      return Optional.of(live);
    }
    return Optional.of(condition("False", REASON_PENDING, counts, now, generation));
  }

  private static Condition condition(
      String status, String reason, String message, Instant now, Long generation) {
    return new ConditionBuilder()
        .withType(TYPE)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(now.truncatedTo(ChronoUnit.SECONDS).toString())
        .build();
  }
}
