package dev.gantry.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A GEP-713 direct policy attaching rate limits to a Gateway (optionally one listener) or an
 * HTTPRoute (optionally one named rule). Status follows the Gateway API {@code PolicyStatus}: one
 * entry per ancestor Gateway with {@code Accepted} and Gantry's {@code Enforced} condition.
 */
@Group(GantryProxyConfig.GROUP)
@Version("v1alpha1")
@Kind(RateLimitPolicy.KIND)
@ShortNames("rlp")
@Categories("gantry")
public class RateLimitPolicy extends CustomResource<RateLimitPolicySpec, PolicyStatus>
    implements Namespaced {

  public static final String KIND = "RateLimitPolicy";
}
