package dev.gantry.translator;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.translator.backend.BackendRefResolver;
import dev.gantry.translator.backend.ResolvedCluster;
import dev.gantry.translator.gateway.GatewayContext;
import dev.gantry.translator.route.Attachment;
import dev.gantry.translator.route.CompiledRoute;
import dev.gantry.translator.route.HttpRouteTranslator;
import dev.gantry.translator.support.ResourceIndex;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Memoises work between translations so that one changed HTTPRoute among ten thousand costs one
 * route translation and one Gateway snapshot, not all of them.
 *
 * <p>Two levels, both keyed only on what they read:
 *
 * <ul>
 *   <li>a {@link CompiledRoute} is reused when the route's identity (uid, resourceVersion,
 *       generation) and the Services and ReferenceGrants (fingerprinted by their resourceVersions)
 *       are unchanged;
 *   <li>a {@link GatewaySnapshot} is reused when its Gateway's identity, every attachment (route
 *       identity, listener, effective hostnames) and everything else it reads (Services, grants,
 *       EndpointSlices, Secrets) are unchanged.
 * </ul>
 *
 * Objects without a resourceVersion (standalone mode, tests) disable reuse, because their content
 * could change without any visible version. Entries a translation does not use are evicted at its
 * end, so the cache never outgrows the live objects. Not thread-safe: one translation at a time.
 */
public final class TranslationCache {

  private record RouteEntry(CompiledRoute route, List<ResolvedCluster> clusters) {}

  private record SnapshotEntry(String key, GatewaySnapshot snapshot) {}

  private Map<String, RouteEntry> routes = new HashMap<>();
  private Map<String, SnapshotEntry> snapshots = new HashMap<>();
  private String environment;

  /** Starts one translation's use of the cache. */
  Generation newGeneration(ResourceIndex index) {
    String env = index.dependencyFingerprint();
    if (env == null || !env.equals(environment)) {
      routes = new HashMap<>();
    }
    environment = env;
    String snapshotEnv = index.snapshotFingerprint();
    return new Generation(env != null, snapshotEnv);
  }

  /** The cache as seen by one translation. */
  final class Generation {

    private final boolean enabled;
    private final String snapshotEnvironment;
    private final Map<String, RouteEntry> usedRoutes = new HashMap<>();
    private final Map<String, SnapshotEntry> usedSnapshots = new HashMap<>();

    private Generation(boolean enabled, String snapshotEnvironment) {
      this.enabled = enabled;
      this.snapshotEnvironment = snapshotEnvironment;
    }

    CompiledRoute compile(
        HTTPRoute route, BackendRefResolver backends, HttpRouteTranslator translator) {
      String key = enabled ? identity(route) : null;
      if (key != null) {
        RouteEntry hit = routes.get(key);
        if (hit != null) {
          backends.register(hit.clusters());
          usedRoutes.put(key, hit);
          return hit.route();
        }
      }
      backends.startRecording();
      CompiledRoute compiled;
      List<ResolvedCluster> clusters;
      try {
        compiled = translator.translate(route);
      } finally {
        clusters = backends.stopRecording();
      }
      // Stored only after a successful translation; a failure is never memoised.
      if (key != null) {
        usedRoutes.put(key, new RouteEntry(compiled, clusters));
      }
      return compiled;
    }

    GatewaySnapshot snapshot(
        GatewayContext gateway, List<Attachment> attachments, Supplier<GatewaySnapshot> build) {
      String key =
          enabled && snapshotEnvironment != null ? snapshotKey(gateway, attachments) : null;
      if (key != null) {
        SnapshotEntry hit = snapshots.get(gateway.key());
        if (hit != null && hit.key().equals(key)) {
          usedSnapshots.put(gateway.key(), hit);
          return hit.snapshot();
        }
      }
      GatewaySnapshot built = build.get();
      if (key != null) {
        usedSnapshots.put(gateway.key(), new SnapshotEntry(key, built));
      }
      return built;
    }

    private String snapshotKey(GatewayContext gateway, List<Attachment> attachments) {
      String gw = identity(gateway.gateway());
      if (gw == null) {
        return null;
      }
      StringBuilder sb = new StringBuilder(snapshotEnvironment).append('|').append(gw);
      for (Attachment a : attachments) {
        String route = identity(a.route().route());
        if (route == null) {
          return null;
        }
        sb.append('|').append(route).append('@').append(a.listener().name()).append(a.hostnames());
      }
      return sb.toString();
    }

    void finish() {
      routes = enabled ? usedRoutes : new HashMap<>();
      snapshots = enabled ? usedSnapshots : new HashMap<>();
    }
  }

  private static String identity(HasMetadata o) {
    var m = o.getMetadata();
    if (m.getResourceVersion() == null || m.getResourceVersion().isEmpty()) {
      return null;
    }
    return m.getNamespace()
        + "/"
        + m.getName()
        + "/"
        + m.getUid()
        + "/"
        + m.getResourceVersion()
        + "/"
        + m.getGeneration();
  }
}
