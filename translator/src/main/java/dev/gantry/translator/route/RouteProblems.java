package dev.gantry.translator.route;

import java.util.ArrayList;
import java.util.List;

/**
 * What went wrong while translating one HTTPRoute, grouped by the status condition it feeds:
 * unresolved references ({@code ResolvedRefs=False}) and dropped rules ({@code PartiallyInvalid}
 * or, when every rule is dropped, {@code Accepted=False}).
 */
public final class RouteProblems {

  private String resolvedRefsReason;
  private final List<String> resolvedRefsMessages = new ArrayList<>();
  private String droppedReason;
  private final List<String> droppedMessages = new ArrayList<>();

  void unresolved(String reason, String message) {
    if (resolvedRefsReason == null) {
      resolvedRefsReason = reason;
    }
    resolvedRefsMessages.add(message);
  }

  void dropped(int ruleIndex, String reason, String message) {
    if (droppedReason == null) {
      droppedReason = reason;
    }
    droppedMessages.add("Dropped Rule " + ruleIndex + ": " + message);
  }

  public String resolvedRefsReason() {
    return resolvedRefsReason;
  }

  public String resolvedRefsMessage() {
    return String.join("; ", resolvedRefsMessages);
  }

  public boolean anyDropped() {
    return droppedReason != null;
  }

  public String droppedReason() {
    return droppedReason;
  }

  /** Starts with "Dropped Rule", as the spec asks of PartiallyInvalid messages. */
  public String droppedMessage() {
    return String.join("; ", droppedMessages);
  }

  void copyUnresolvedTo(RouteProblems other) {
    for (String m : resolvedRefsMessages) {
      other.unresolved(resolvedRefsReason, m);
    }
  }
}
