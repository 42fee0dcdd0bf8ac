package dev.gantry.translator.support;

import dev.gantry.translator.ResourceSnapshot;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hash lookups over a {@link ResourceSnapshot}, built once per translation so that resolving ten
 * thousand routes never scans lists.
 */
public final class ResourceIndex {

  /** Label that ties an EndpointSlice to its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  private final Map<String, Service> services = new HashMap<>();
  private final Map<String, Secret> secrets = new HashMap<>();
  private final Map<String, ConfigMap> configMaps = new HashMap<>();
  private final Map<String, Namespace> namespaces = new HashMap<>();
  private final Map<String, List<EndpointSlice>> slicesByService = new HashMap<>();
  private final ReferenceGrants referenceGrants;
  private final String dependencyFingerprint;
  private final String snapshotFingerprint;

  public ResourceIndex(ResourceSnapshot snapshot) {
    for (Service s : snapshot.services()) {
      services.put(key(s), s);
    }
    for (Secret s : snapshot.secrets()) {
      secrets.put(key(s), s);
    }
    for (ConfigMap m : snapshot.configMaps()) {
      configMaps.put(key(m), m);
    }
    for (Namespace n : snapshot.namespaces()) {
      if (n.getMetadata() != null && n.getMetadata().getName() != null) {
        namespaces.put(n.getMetadata().getName(), n);
      }
    }
    for (EndpointSlice slice : snapshot.endpointSlices()) {
      if (slice.getMetadata() == null || slice.getMetadata().getLabels() == null) {
        continue;
      }
      String svc = slice.getMetadata().getLabels().get(SERVICE_NAME_LABEL);
      if (svc != null) {
        slicesByService
            .computeIfAbsent(slice.getMetadata().getNamespace() + "/" + svc, k -> new ArrayList<>())
            .add(slice);
      }
    }
    referenceGrants = new ReferenceGrants(snapshot.referenceGrants());
    dependencyFingerprint = fingerprint(List.of(snapshot.services(), snapshot.referenceGrants()));
    snapshotFingerprint =
        dependencyFingerprint == null
            ? null
            : fingerprint(
                List.of(
                    snapshot.endpointSlices(),
                    snapshot.secrets(),
                    snapshot.namespaces(),
                    snapshot.configMaps()));
  }

  /**
   * The resourceVersions of what a snapshot reads beyond its routes and Gateway (EndpointSlices,
   * Secrets, Namespaces, plus everything in {@link #dependencyFingerprint()}), or {@code null}.
   */
  public String snapshotFingerprint() {
    return snapshotFingerprint == null ? null : dependencyFingerprint + "+" + snapshotFingerprint;
  }

  /**
   * The resourceVersions of everything a route translation reads (Services, ReferenceGrants), or
   * {@code null} when one of them has none and its content therefore cannot be tracked.
   */
  public String dependencyFingerprint() {
    return dependencyFingerprint;
  }

  private static String fingerprint(List<List<? extends HasMetadata>> lists) {
    StringBuilder sb = new StringBuilder();
    for (List<? extends HasMetadata> list : lists) {
      for (HasMetadata o : list) {
        String rv = o.getMetadata().getResourceVersion();
        if (rv == null || rv.isEmpty()) {
          return null;
        }
        sb.append(key(o)).append('@').append(rv).append(';');
      }
      sb.append('|');
    }
    return dev.gantry.model.ContentHash.ofBytes(
        sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  public Service service(String namespace, String name) {
    return services.get(namespace + "/" + name);
  }

  public Secret secret(String namespace, String name) {
    return secrets.get(namespace + "/" + name);
  }

  public ConfigMap configMap(String namespace, String name) {
    return configMaps.get(namespace + "/" + name);
  }

  /** The Namespace object, or {@code null} when the snapshot does not hold it. */
  public Namespace namespace(String name) {
    return namespaces.get(name);
  }

  /** The EndpointSlices of a Service, in snapshot (namespace/name) order. */
  public List<EndpointSlice> endpointSlices(String namespace, String serviceName) {
    return slicesByService.getOrDefault(namespace + "/" + serviceName, List.of());
  }

  public ReferenceGrants referenceGrants() {
    return referenceGrants;
  }

  private static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }
}
