package dev.gantry.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Settings of a Gateway's proxy fleet, referenced by a GatewayClass {@code spec.parametersRef} or a
 * Gateway's {@code spec.infrastructure.parametersRef} (the Gateway's reference wins).
 */
@Group(GantryProxyConfig.GROUP)
@Version("v1alpha1")
@Kind(GantryProxyConfig.KIND)
public class GantryProxyConfig extends CustomResource<GantryProxyConfigSpec, Void>
    implements Namespaced {

  public static final String GROUP = "gantry.dev";
  public static final String KIND = "GantryProxyConfig";
}
