package dev.gantry.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.gantry.model.endpoints.EndpointsConfig;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.Listener;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.secrets.CaBundle;
import dev.gantry.model.secrets.SecretsConfig;
import dev.gantry.model.secrets.TlsCertificate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything one Gateway's proxies need, in three independently versioned parts. A proxy applies a
 * snapshot only when all three are present and {@link #validate()} passes, so it never serves half
 * a config.
 *
 * @param schemaVersion the config-model schema this snapshot follows
 * @param gateway the Gateway this snapshot is for
 * @param routing listeners, routes, rules, clusters
 * @param endpoints endpoints per cluster
 * @param secrets TLS material
 */
public record GatewaySnapshot(
    int schemaVersion,
    SourceRef gateway,
    RoutingConfig routing,
    EndpointsConfig endpoints,
    SecretsConfig secrets) {

  public static final int SCHEMA_VERSION = 1;

  public static GatewaySnapshot of(
      SourceRef gateway, RoutingConfig routing, EndpointsConfig endpoints, SecretsConfig secrets) {
    return new GatewaySnapshot(SCHEMA_VERSION, gateway, routing, endpoints, secrets);
  }

  /** The combined version: the hash of the three part versions. */
  @JsonIgnore
  public String version() {
    return ContentHash.ofBytes(
        (routing.version() + "/" + endpoints.version() + "/" + secrets.version())
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Collects every error; never throws. */
  public List<String> errors() {
    Validator v = new Validator();
    validate(v);
    return v.errors();
  }

  /** Throws {@link ConfigValidationException} naming every invalid field. */
  public void validate() {
    Validator v = new Validator();
    validate(v);
    v.throwIfInvalid();
  }

  public void validate(Validator v) {
    v.require(
        schemaVersion == SCHEMA_VERSION,
        "schemaVersion",
        schemaVersion,
        String.valueOf(SCHEMA_VERSION));
    v.require(gateway != null, "gateway", gateway, "non-null");
    v.nested("gateway", gateway, gv -> gateway.validate(gv));
    v.require(routing != null, "routing", routing, "non-null");
    v.require(endpoints != null, "endpoints", endpoints, "non-null");
    v.require(secrets != null, "secrets", secrets, "non-null");
    if (routing == null || endpoints == null || secrets == null) {
      return;
    }
    routing.validate(v.at("routing"));
    endpoints.validate(v.at("endpoints"));
    secrets.validate(v.at("secrets"));

    Set<String> certNames = new HashSet<>();
    for (TlsCertificate c : secrets.certificates()) {
      certNames.add(c.name());
    }
    Set<String> bundleNames = new HashSet<>();
    for (CaBundle b : secrets.caBundles()) {
      bundleNames.add(b.name());
    }
    List<Listener> listeners = routing.listeners();
    for (int i = 0; i < listeners.size(); i++) {
      Listener l = listeners.get(i);
      if (l.tls() == null) {
        continue;
      }
      for (int c = 0; c < l.tls().certificates().size(); c++) {
        String name = l.tls().certificates().get(c);
        if (!certNames.contains(name)) {
          v.at("routing")
              .at("listeners", i)
              .at("tls")
              .fail("certificates[" + c + "]", name, "the name of a certificate in secrets");
        }
      }
      if (l.tls().clientValidation() != null) {
        requireBundles(
            v.at("routing").at("listeners", i).at("tls").at("clientValidation"),
            l.tls().clientValidation().caBundles(),
            bundleNames);
      }
    }
    List<Cluster> clusters = routing.clusters();
    for (int i = 0; i < clusters.size(); i++) {
      Cluster c = clusters.get(i);
      if (c != null && c.tls() != null) {
        requireBundles(
            v.at("routing").at("clusters", i).at("tls"), c.tls().caBundles(), bundleNames);
      }
    }
  }

  private static void requireBundles(Validator v, List<String> names, Set<String> bundleNames) {
    for (int b = 0; b < names.size(); b++) {
      if (!bundleNames.contains(names.get(b))) {
        v.fail("caBundles[" + b + "]", names.get(b), "the name of a CA bundle in secrets");
      }
    }
  }
}
