package dev.gantry.operator.fleet;

import dev.gantry.api.v1alpha1.GantryProxyConfigSpec;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Map;

/**
 * The resolved settings of one fleet: the GantryProxyConfig's values where set, the operator's
 * defaults elsewhere.
 */
public record FleetSettings(
    int replicas,
    ResourceRequirements resources,
    String serviceType,
    Map<String, String> serviceAnnotations,
    GantryProxyConfigSpec.Autoscaling autoscaling,
    String image,
    String logLevel) {

  public static final int DEFAULT_REPLICAS = 2;

  public static FleetSettings resolve(GantryProxyConfigSpec spec, String defaultImage) {
    GantryProxyConfigSpec s =
        spec == null ? new GantryProxyConfigSpec(null, null, null, null, null, null) : spec;
    var svc = s.service();
    return new FleetSettings(
        s.replicas() == null ? DEFAULT_REPLICAS : s.replicas(),
        s.resources(),
        svc == null || svc.type() == null ? "LoadBalancer" : svc.type(),
        svc == null || svc.annotations() == null ? Map.of() : svc.annotations(),
        s.autoscaling(),
        s.image() == null ? defaultImage : s.image(),
        s.logLevel() == null ? "info" : s.logLevel());
  }
}
