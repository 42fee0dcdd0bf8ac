package dev.gantry.translator;

import dev.gantry.api.v1alpha1.BackendPolicy;
import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.model.GatewaySnapshot;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.List;
import java.util.SortedMap;

/**
 * What the translator decided.
 *
 * @param snapshots one snapshot per Gateway of our GatewayClasses, keyed by {@code namespace/name}
 * @param gatewayClasses our GatewayClasses, each a copy of the input with {@code status} as it
 *     should be written
 * @param gateways our Gateways with their computed status
 * @param httpRoutes every HTTPRoute with a parentRef to one of our Gateways, with {@code
 *     status.parents} entries of our controller computed (entries of other controllers kept as they
 *     were)
 * @param rateLimitPolicies every RateLimitPolicy with its {@code status.ancestors} entries of our
 *     controller computed
 * @param backendPolicies every BackendPolicy with its {@code status.ancestors} entries of our
 *     controller computed
 */
public record TranslationResult(
    SortedMap<String, GatewaySnapshot> snapshots,
    List<GatewayClass> gatewayClasses,
    List<Gateway> gateways,
    List<HTTPRoute> httpRoutes,
    List<RateLimitPolicy> rateLimitPolicies,
    List<BackendPolicy> backendPolicies) {

  public TranslationResult {
    rateLimitPolicies = rateLimitPolicies == null ? List.of() : rateLimitPolicies;
    backendPolicies = backendPolicies == null ? List.of() : backendPolicies;
  }

  /** A result without BackendPolicies (the form before they existed). */
  public TranslationResult(
      SortedMap<String, GatewaySnapshot> snapshots,
      List<GatewayClass> gatewayClasses,
      List<Gateway> gateways,
      List<HTTPRoute> httpRoutes,
      List<RateLimitPolicy> rateLimitPolicies) {
    this(snapshots, gatewayClasses, gateways, httpRoutes, rateLimitPolicies, List.of());
  }

  /** A result without RateLimitPolicies (the form before they existed). */
  public TranslationResult(
      SortedMap<String, GatewaySnapshot> snapshots,
      List<GatewayClass> gatewayClasses,
      List<Gateway> gateways,
      List<HTTPRoute> httpRoutes) {
    this(snapshots, gatewayClasses, gateways, httpRoutes, List.of());
  }
}
