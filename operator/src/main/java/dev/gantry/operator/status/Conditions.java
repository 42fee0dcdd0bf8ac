package dev.gantry.operator.status;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Condition list helpers shared by the status writer. */
final class Conditions {

  private Conditions() {}

  /**
   * The computed conditions, each carrying the live condition's {@code lastTransitionTime} when its
   * status did not change: a transition time moves only on a transition, so an unchanged status
   * never causes a write.
   */
  static List<Condition> carryTransitionTimes(List<Condition> computed, List<Condition> live) {
    if (computed == null) {
      return null;
    }
    List<Condition> out = new ArrayList<>(computed.size());
    for (Condition c : computed) {
      Condition l = find(live, c.getType());
      if (l != null && Objects.equals(l.getStatus(), c.getStatus())) {
        out.add(new ConditionBuilder(c).withLastTransitionTime(l.getLastTransitionTime()).build());
      } else {
        out.add(c);
      }
    }
    return out;
  }

  static Condition find(List<Condition> conditions, String type) {
    if (conditions == null) {
      return null;
    }
    for (Condition c : conditions) {
      if (Objects.equals(type, c.getType())) {
        return c;
      }
    }
    return null;
  }

  static List<Condition> replace(List<Condition> conditions, Condition replacement) {
    List<Condition> out = new ArrayList<>();
    boolean replaced = false;
    for (Condition c : conditions == null ? List.<Condition>of() : conditions) {
      if (Objects.equals(c.getType(), replacement.getType())) {
        out.add(replacement);
        replaced = true;
      } else {
        out.add(c);
      }
    }
    if (!replaced) {
      out.add(replacement);
    }
    return out;
  }
}
