package dev.gantry.api.v1alpha1;

import io.fabric8.crd.generator.annotation.Labels;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.PolicyStatus;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A GEP-713 direct policy attaching load balancing, health checking, overload protection and
 * connection settings to backend Services (optionally one Service port by sectionName). Status
 * follows the Gateway API {@code PolicyStatus}: one entry per Gateway whose routes use the Service,
 * with {@code Accepted}.
 */
@Group(GantryProxyConfig.GROUP)
@Version("v1alpha1")
@Kind(BackendPolicy.KIND)
@ShortNames("bp")
@Categories("gantry")
@Labels("gateway.networking.k8s.io/policy=Direct")
public class BackendPolicy extends CustomResource<BackendPolicySpec, PolicyStatus>
    implements Namespaced {

  public static final String KIND = "BackendPolicy";
}
