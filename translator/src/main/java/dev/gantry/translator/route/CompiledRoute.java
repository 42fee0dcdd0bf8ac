package dev.gantry.translator.route;

import dev.gantry.model.routing.Rule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.List;

/**
 * An HTTPRoute translated independently of any Gateway: its valid rules, their entries with
 * precedence keys, and its problems. Gateway attachment only decides under which listener and
 * hostnames these entries appear, so this part can be reused across Gateways and translations.
 *
 * @param route the input object
 * @param rules the valid rules, in rule order
 * @param matches one entry per match of each valid rule
 * @param problems what status must report
 */
public record CompiledRoute(
    HTTPRoute route, List<Rule> rules, List<CompiledMatch> matches, RouteProblems problems) {

  /** True when at least one rule survived: the route can be Accepted. */
  public boolean hasValidRules() {
    return !rules.isEmpty();
  }

  public String namespace() {
    return route.getMetadata().getNamespace();
  }

  public String name() {
    return route.getMetadata().getName();
  }

  public List<String> hostnames() {
    return route.getSpec() == null || route.getSpec().getHostnames() == null
        ? List.of()
        : route.getSpec().getHostnames();
  }
}
