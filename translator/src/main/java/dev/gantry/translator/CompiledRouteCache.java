package dev.gantry.translator;

import dev.gantry.translator.backend.BackendRefResolver;
import dev.gantry.translator.backend.ResolvedCluster;
import dev.gantry.translator.route.CompiledRoute;
import dev.gantry.translator.route.HttpRouteTranslator;
import dev.gantry.translator.support.ResourceIndex;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Memoises per-route translation between calls, so that one changed HTTPRoute among ten thousand
 * re-translates one route, not all of them.
 *
 * <p>A cached {@link CompiledRoute} is reused only when the route's identity (uid, resourceVersion,
 * generation) and everything a route translation reads (Services and ReferenceGrants, fingerprinted
 * by their resourceVersions) are unchanged. Objects without a resourceVersion (standalone mode,
 * tests) disable reuse, because their content could change without any visible version. Entries not
 * used by a translation are evicted at its end, so the cache never outgrows the live routes.
 */
public final class CompiledRouteCache {

  private record Entry(CompiledRoute route, List<ResolvedCluster> clusters) {}

  private Map<String, Entry> entries = new HashMap<>();
  private String environment;

  /** Starts one translation's use of the cache. */
  Generation newGeneration(ResourceIndex index) {
    String env = index.dependencyFingerprint();
    if (env == null || !env.equals(environment)) {
      entries = new HashMap<>();
    }
    environment = env;
    return new Generation(env != null);
  }

  /** The cache as seen by one translation. */
  final class Generation {

    private final boolean enabled;
    private final Map<String, Entry> used = new HashMap<>();

    private Generation(boolean enabled) {
      this.enabled = enabled;
    }

    CompiledRoute compile(
        HTTPRoute route, BackendRefResolver backends, HttpRouteTranslator translator) {
      String key = enabled ? identity(route) : null;
      if (key != null) {
        Entry hit = entries.get(key);
        if (hit != null) {
          backends.register(hit.clusters());
          used.put(key, hit);
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
        used.put(key, new Entry(compiled, clusters));
      }
      return compiled;
    }

    void finish() {
      entries = enabled ? used : new HashMap<>();
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
