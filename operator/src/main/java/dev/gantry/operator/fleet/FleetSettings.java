package dev.gantry.operator.fleet;

import dev.gantry.api.v1alpha1.GantryProxyConfigSpec;
import dev.gantry.api.v1alpha1.ProxyLimits;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.Map;

/**
 * The resolved settings of one fleet: the GantryProxyConfig's values where set, the operator's
 * defaults ({@code --proxy-defaults}) where not, built-in values last.
 */
public record FleetSettings(
    int replicas,
    ResourceRequirements resources,
    String serviceType,
    Map<String, String> serviceAnnotations,
    GantryProxyConfigSpec.Autoscaling autoscaling,
    String image,
    String logLevel,
    String imagePullPolicy,
    String redisUrl,
    ProxyDefaults.AccessLog accessLog,
    ProxyDefaults.Tracing tracing,
    ProxyLimits limits) {

  public static final int DEFAULT_REPLICAS = 2;

  /** Over built-in defaults with {@code defaultImage}. */
  public static FleetSettings resolve(GantryProxyConfigSpec spec, String defaultImage) {
    return resolve(
        spec,
        new GantryProxyConfigSpec(
            null, null, null, null, GantryProxyConfigSpec.Image.of(defaultImage), null),
        null,
        null,
        null);
  }

  /**
   * The GantryProxyConfig over the operator's defaults; the defaults' {@code rateLimit.redisUrl} is
   * the store every fleet's proxies use for Global rate limits (one Redis per installation, set in
   * the chart's values), and their {@code accessLog} and {@code tracing} apply to every fleet.
   */
  public static FleetSettings resolve(GantryProxyConfigSpec spec, ProxyDefaults defaults) {
    return resolve(
        spec,
        defaults.spec(),
        defaults.rateLimit() == null ? null : defaults.rateLimit().redisUrl(),
        defaults.accessLog(),
        defaults.tracing());
  }

  private static FleetSettings resolve(
      GantryProxyConfigSpec spec,
      GantryProxyConfigSpec defaults,
      String redisUrl,
      ProxyDefaults.AccessLog accessLog,
      ProxyDefaults.Tracing tracing) {
    GantryProxyConfigSpec none = new GantryProxyConfigSpec(null, null, null, null, null, null);
    GantryProxyConfigSpec s = spec == null ? none : spec;
    GantryProxyConfigSpec d = defaults == null ? none : defaults;
    var svc = s.service();
    var dSvc = d.service();
    String serviceType =
        first(svc == null ? null : svc.type(), dSvc == null ? null : dSvc.type(), "LoadBalancer");
    Map<String, String> annotations =
        first(
            svc == null ? null : svc.annotations(),
            dSvc == null ? null : dSvc.annotations(),
            Map.of());
    return new FleetSettings(
        first(s.replicas(), d.replicas(), DEFAULT_REPLICAS),
        first(s.resources(), d.resources(), null),
        serviceType,
        annotations,
        autoscaling(s.autoscaling() != null ? s.autoscaling() : d.autoscaling()),
        first(reference(s.image()), reference(d.image()), ProxyDefaults.BUILT_IN_IMAGE),
        first(s.logLevel(), d.logLevel(), "info"),
        first(pullPolicy(s.image()), pullPolicy(d.image()), null),
        redisUrl == null || redisUrl.isBlank() ? null : redisUrl,
        accessLog,
        tracing,
        // Field by field, like the rest: a GantryProxyConfig raising only the body size keeps the
        // installation's header limit.
        s.limits() != null ? s.limits().over(d.limits()) : d.limits());
  }

  private static String pullPolicy(GantryProxyConfigSpec.Image image) {
    return image == null ? null : image.pullPolicy();
  }

  /** An explicitly disabled autoscaling block means no HPA, whatever the defaults say. */
  private static GantryProxyConfigSpec.Autoscaling autoscaling(
      GantryProxyConfigSpec.Autoscaling a) {
    return a == null || !a.active() ? null : a;
  }

  private static String reference(GantryProxyConfigSpec.Image image) {
    return image == null || image.repository() == null || image.repository().isBlank()
        ? null
        : image.reference();
  }

  private static <T> T first(T own, T fallback, T builtIn) {
    return own != null ? own : fallback != null ? fallback : builtIn;
  }
}
