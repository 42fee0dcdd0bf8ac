package dev.gantry.translator.support;

import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrant;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantFrom;
import io.fabric8.kubernetes.api.model.gatewayapi.v1beta1.ReferenceGrantTo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * GEP-709 checks: a cross-namespace reference is allowed only when a ReferenceGrant in the
 * <em>target</em> namespace lists the referrer (group, kind, namespace) in {@code from} and the
 * target (group, kind, optional name) in {@code to}. Every field must match exactly; a near miss
 * grants nothing.
 */
public final class ReferenceGrants {

  private final Map<String, List<ReferenceGrant>> byNamespace = new HashMap<>();

  ReferenceGrants(List<ReferenceGrant> grants) {
    for (ReferenceGrant g : grants) {
      if (g.getMetadata() != null && g.getSpec() != null) {
        byNamespace.computeIfAbsent(g.getMetadata().getNamespace(), k -> new ArrayList<>()).add(g);
      }
    }
  }

  /**
   * True when the reference is in the same namespace or a grant allows it.
   *
   * @param fromGroup the referrer's API group ({@code gateway.networking.k8s.io})
   * @param fromKind the referrer's kind ({@code HTTPRoute}, {@code Gateway})
   * @param fromNamespace the referrer's namespace
   * @param toGroup the target's group ({@code ""} for core)
   * @param toKind the target's kind ({@code Service}, {@code Secret})
   * @param toNamespace the target's namespace
   * @param toName the target's name
   */
  public boolean allowed(
      String fromGroup,
      String fromKind,
      String fromNamespace,
      String toGroup,
      String toKind,
      String toNamespace,
      String toName) {
    if (Objects.equals(fromNamespace, toNamespace)) {
      return true;
    }
    for (ReferenceGrant g : byNamespace.getOrDefault(toNamespace, List.of())) {
      if (matchesFrom(g.getSpec().getFrom(), fromGroup, fromKind, fromNamespace)
          && matchesTo(g.getSpec().getTo(), toGroup, toKind, toName)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesFrom(
      List<ReferenceGrantFrom> from, String group, String kind, String namespace) {
    if (from == null) {
      return false;
    }
    for (ReferenceGrantFrom f : from) {
      if (group.equals(nullToEmpty(f.getGroup()))
          && kind.equals(f.getKind())
          && namespace.equals(f.getNamespace())) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesTo(
      List<ReferenceGrantTo> to, String group, String kind, String name) {
    if (to == null) {
      return false;
    }
    for (ReferenceGrantTo t : to) {
      if (group.equals(nullToEmpty(t.getGroup()))
          && kind.equals(t.getKind())
          && (t.getName() == null || t.getName().isEmpty() || t.getName().equals(name))) {
        return true;
      }
    }
    return false;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
