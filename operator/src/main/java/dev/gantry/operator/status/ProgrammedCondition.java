package dev.gantry.operator.status;

import dev.gantry.operator.stream.ProxyAcks;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * A Gateway's {@code Programmed} condition from its proxies' ACKs of the current routing version.
 *
 * <ul>
 *   <li>a proxy rejected the version: False, {@code Invalid}, with the proxy's reason;
 *   <li>every connected proxy runs it: True, "N of N proxies run routing version V";
 *   <li>otherwise, within {@code grace} of the version's first appearance: no verdict yet (empty),
 *       so that a rollout that completes in milliseconds costs one write, not two;
 *   <li>no proxy connected to this replica while the live condition says True for this very version
 *       (an operator restart): the live condition, since proxies keep serving without the operator
 *       and we must not downgrade what we cannot see;
 *   <li>else False, {@code Pending}, "A of C proxies run routing version V".
 * </ul>
 */
public final class ProgrammedCondition {

  private ProgrammedCondition() {}

  public static Optional<Condition> decide(
      ProxyAcks.RoutingProgress progress,
      String version,
      Instant versionSeenAt,
      Instant now,
      Duration grace,
      Condition live,
      Long generation) {
    String status;
    String reason;
    String message;
    if (progress.rejection() != null) {
      status = "False";
      reason = "Invalid";
      message = "proxies rejected routing version " + version + ": " + progress.rejection();
    } else if (progress.connected() > 0 && progress.acked() == progress.connected()) {
      status = "True";
      reason = "Programmed";
      message = counts(progress, version);
    } else {
      boolean inGrace = versionSeenAt != null && now.isBefore(versionSeenAt.plus(grace));
      if (inGrace && progress.connected() > 0) {
        return Optional.empty();
      }
      if (progress.connected() == 0
          && live != null
          && "True".equals(live.getStatus())
          && live.getMessage() != null
          && live.getMessage().endsWith(" routing version " + version)) {
        return Optional.of(live);
      }
      status = "False";
      reason = "Pending";
      message = counts(progress, version);
    }
    return Optional.of(
        new ConditionBuilder()
            .withType("Programmed")
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(now.truncatedTo(ChronoUnit.SECONDS).toString())
            .build());
  }

  private static String counts(ProxyAcks.RoutingProgress p, String version) {
    return p.acked() + " of " + p.connected() + " proxies run routing version " + version;
  }
}
