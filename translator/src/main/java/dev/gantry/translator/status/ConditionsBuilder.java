package dev.gantry.translator.status;

import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one Conditions list (of a GatewayClass, Gateway, listener or route parent).
 *
 * <p>Every condition carries the object's {@code metadata.generation} as observedGeneration (the
 * conformance suite checks all of them). {@code lastTransitionTime} is copied from the previous
 * condition of the same type when status, reason and message are unchanged: a status writer then
 * sees no difference and does not write, so there is no churn and no self-triggered requeue.
 */
public final class ConditionsBuilder {

  private final Map<String, Condition> previousByType = new LinkedHashMap<>();
  private final Map<String, Condition> built = new LinkedHashMap<>();
  private final Long generation;
  private final String now;

  public ConditionsBuilder(List<Condition> previous, Long generation, Instant now) {
    if (previous != null) {
      for (Condition c : previous) {
        if (c != null && c.getType() != null) {
          previousByType.putIfAbsent(c.getType(), c);
        }
      }
    }
    this.generation = generation;
    this.now = now.toString();
  }

  /** Sets (or replaces) the condition of {@code type}; one condition per type. */
  public ConditionsBuilder set(String type, boolean status, String reason, String message) {
    String statusText = status ? Conditions.TRUE : Conditions.FALSE;
    Condition prev = previousByType.get(type);
    String transition =
        prev != null
                && statusText.equals(prev.getStatus())
                && reason.equals(prev.getReason())
                && message.equals(prev.getMessage())
                && prev.getLastTransitionTime() != null
            ? prev.getLastTransitionTime()
            : now;
    Condition c = new Condition();
    c.setType(type);
    c.setStatus(statusText);
    c.setReason(reason);
    c.setMessage(message);
    c.setObservedGeneration(generation);
    c.setLastTransitionTime(transition);
    built.put(type, c);
    return this;
  }

  public boolean has(String type) {
    return built.containsKey(type);
  }

  public List<Condition> build() {
    return new ArrayList<>(built.values());
  }
}
