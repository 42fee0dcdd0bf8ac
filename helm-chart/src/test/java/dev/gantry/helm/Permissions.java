package dev.gantry.helm;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What a list of RBAC rules allows, evaluated the way the API server does: rules add up. */
record Permissions(List<PolicyRule> rules) {

  static Permissions of(List<PolicyRule> rules) {
    return new Permissions(List.copyOf(rules));
  }

  /**
   * True when every verb is granted on the resource (by any rule, without a resourceNames
   * restriction).
   */
  boolean allows(String group, String resource, String... verbs) {
    for (String verb : verbs) {
      boolean granted =
          rules.stream()
              .filter(r -> r.getResourceNames() == null || r.getResourceNames().isEmpty())
              .anyMatch(r -> matches(r, group, resource, verb));
      if (!granted) {
        return false;
      }
    }
    return true;
  }

  /** True when some rule grants the verb on the resource, even if only for named objects. */
  boolean allowsAny(String group, String resource, String verb) {
    return rules.stream().anyMatch(r -> matches(r, group, resource, verb));
  }

  Set<String> groups() {
    Set<String> groups = new TreeSet<>();
    rules.forEach(r -> groups.addAll(r.getApiGroups()));
    return groups;
  }

  private static boolean matches(PolicyRule rule, String group, String resource, String verb) {
    return rule.getApiGroups().contains(group)
        && rule.getResources().contains(resource)
        && rule.getVerbs().contains(verb);
  }
}
