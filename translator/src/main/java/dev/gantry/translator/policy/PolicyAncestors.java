package dev.gantry.translator.policy;

import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.status.ConditionsBuilder;
import dev.gantry.translator.support.Names;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReferenceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyAncestorStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * GEP-713 {@code status.ancestors} of a direct policy, shared by every Gantry policy kind: one
 * entry per ancestor Gateway (or, for a target that does not exist, one per target, with the target
 * as the ancestorRef) whose {@code Accepted} condition is decided by the worst outcome of the
 * targets under it. Entries of other controllers are kept; at most 16 entries (the API's bound).
 */
public final class PolicyAncestors {

  public static final String REASON_CONFLICTED = "Conflicted";
  public static final String REASON_TARGET_NOT_FOUND = "TargetNotFound";
  public static final String REASON_INVALID = "Invalid";

  /** GEP-713 conflict order: older creationTimestamp first, then namespace/name. */
  public static final Comparator<HasMetadata> ESTABLISHED_FIRST =
      Comparator.comparing((HasMetadata p) -> Names.orEmpty(p.getMetadata().getCreationTimestamp()))
          .thenComparing(p -> p.getMetadata().getNamespace())
          .thenComparing(p -> p.getMetadata().getName());

  /** Sorted output order of the policies a translator returns. */
  public static final Comparator<HasMetadata> BY_NAMESPACE_AND_NAME =
      Comparator.comparing((HasMetadata p) -> p.getMetadata().getNamespace())
          .thenComparing(p -> p.getMetadata().getName());

  private static final int MAX_ANCESTORS = 16;

  private PolicyAncestors() {}

  /**
   * One targetRef's fate.
   *
   * @param ancestors keys ({@code ns/name}) of the Gateways the target leads to
   * @param reason null when the target attached, else the Accepted=False reason
   */
  public record Outcome(
      LocalPolicyTargetReferenceWithSectionName ref,
      List<String> ancestors,
      String reason,
      String message) {
    public boolean ok() {
      return reason == null;
    }

    public static Outcome attached(
        LocalPolicyTargetReferenceWithSectionName ref, List<String> ancestors) {
      return new Outcome(ref, ancestors, null, null);
    }

    /** This outcome turned into a conflict with {@code holder}, the older policy that won. */
    public Outcome conflicted(int index, String target, String holder) {
      return new Outcome(
          ref,
          ancestors,
          REASON_CONFLICTED,
          "spec.targetRefs["
              + index
              + "]: "
              + target
              + " (expected: a target no older policy claims; "
              + holder
              + " is older and wins)");
    }
  }

  public static Outcome notFound(
      LocalPolicyTargetReferenceWithSectionName ref,
      List<String> ancestors,
      String field,
      String value,
      String expected) {
    return new Outcome(
        ref,
        ancestors,
        REASON_TARGET_NOT_FOUND,
        field + ": " + value + " (expected: " + expected + ")");
  }

  /**
   * The policy's status after this translation.
   *
   * @param invalid the problems that make the whole policy Invalid, or null when it is valid
   * @param operatorConditions condition types the operator decides (e.g. Enforced): carried over
   *     from the previous entry as they were, so a translation does not erase them
   */
  public static PolicyStatus status(
      HasMetadata policy,
      PolicyStatus previousStatus,
      List<Outcome> outcomes,
      List<String> invalid,
      Instant now,
      Set<String> operatorConditions) {
    Map<String, ParentReference> refs = new LinkedHashMap<>();
    Map<String, List<Outcome>> byAncestor = new LinkedHashMap<>();
    String ns = policy.getMetadata().getNamespace();
    for (Outcome o : outcomes) {
      if (o.ancestors().isEmpty()) {
        String key = o.ref().getKind() + "/" + ns + "/" + o.ref().getName();
        refs.putIfAbsent(
            key,
            new ParentReferenceBuilder()
                .withGroup(o.ref().getGroup())
                .withKind(o.ref().getKind())
                .withNamespace(ns)
                .withName(o.ref().getName())
                .build());
        byAncestor.computeIfAbsent(key, k -> new ArrayList<>()).add(o);
      }
      for (String gw : o.ancestors()) {
        String[] parts = gw.split("/", 2);
        refs.putIfAbsent(
            gw,
            new ParentReferenceBuilder()
                .withGroup(Names.GATEWAY_GROUP)
                .withKind("Gateway")
                .withNamespace(parts[0])
                .withName(parts[1])
                .build());
        byAncestor.computeIfAbsent(gw, k -> new ArrayList<>()).add(o);
      }
    }
    return write(
        policy,
        previousStatus,
        refs,
        byAncestor,
        now,
        (cb, group, before) -> {
          if (invalid != null) {
            cb.set(Conditions.ACCEPTED, false, REASON_INVALID, String.join("; ", invalid));
          } else {
            Outcome worst = group.stream().filter(o -> !o.ok()).findFirst().orElse(null);
            if (worst == null) {
              cb.set(
                  Conditions.ACCEPTED,
                  true,
                  Conditions.REASON_ACCEPTED,
                  "Policy is accepted and attached");
            } else {
              cb.set(Conditions.ACCEPTED, false, worst.reason(), worst.message());
            }
          }
          if (before != null) {
            for (Condition c : before) {
              if (operatorConditions.contains(c.getType())) {
                cb.set(
                    c.getType(),
                    Conditions.TRUE.equals(c.getStatus()),
                    c.getReason(),
                    c.getMessage());
              }
            }
          }
        });
  }

  /** Decides the conditions of one ancestor entry from what lies under it. */
  @FunctionalInterface
  public interface EntryConditions<T> {
    /**
     * @param group the targets (or outcomes) under this ancestor
     * @param before this controller's previous conditions for the ancestor, or null
     */
    void decide(ConditionsBuilder cb, List<T> group, List<Condition> before);
  }

  /**
   * The status with this controller's entries replaced by one per ancestor of {@code byAncestor}
   * (in its order), conditions from {@code conditions}; other controllers' entries are kept,
   * unchanged and first; at most 16 entries. Every policy kind's status goes through here.
   *
   * @param refs the ancestorRef of each key of {@code byAncestor}
   */
  public static <T> PolicyStatus write(
      HasMetadata policy,
      PolicyStatus previousStatus,
      Map<String, ParentReference> refs,
      Map<String, List<T>> byAncestor,
      Instant now,
      EntryConditions<T> conditions) {
    List<PolicyAncestorStatus> previous =
        previousStatus == null || previousStatus.getAncestors() == null
            ? List.of()
            : previousStatus.getAncestors();
    List<PolicyAncestorStatus> ancestors = new ArrayList<>();
    for (PolicyAncestorStatus p : previous) {
      if (!GatewayApiTranslator.CONTROLLER_NAME.equals(p.getControllerName())) {
        ancestors.add(p);
      }
    }
    for (var e : byAncestor.entrySet()) {
      ParentReference ref = refs.get(e.getKey());
      List<Condition> before =
          previous.stream()
              .filter(
                  p ->
                      GatewayApiTranslator.CONTROLLER_NAME.equals(p.getControllerName())
                          && ref.equals(p.getAncestorRef()))
              .findFirst()
              .map(PolicyAncestorStatus::getConditions)
              .orElse(null);
      ConditionsBuilder cb =
          new ConditionsBuilder(before, policy.getMetadata().getGeneration(), now);
      conditions.decide(cb, e.getValue(), before);
      ancestors.add(
          new PolicyAncestorStatusBuilder()
              .withAncestorRef(ref)
              .withControllerName(GatewayApiTranslator.CONTROLLER_NAME)
              .withConditions(cb.build())
              .build());
    }
    PolicyStatus status = new PolicyStatus();
    status.setAncestors(
        ancestors.size() > MAX_ANCESTORS ? ancestors.subList(0, MAX_ANCESTORS) : ancestors);
    return status;
  }
}
