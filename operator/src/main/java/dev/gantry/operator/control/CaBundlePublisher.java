package dev.gantry.operator.control;

import dev.gantry.operator.status.Leadership;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Publishes the control channel's CA bundle (certificates only, never a key) as the ConfigMap
 * {@value #CONFIG_MAP} in every namespace that has a proxy fleet, the way kube-controller-manager
 * publishes {@code kube-root-ca.crt}: a pod can only mount a ConfigMap of its own namespace.
 *
 * <p>One fixed name in every namespace is what lets the operator's RBAC narrow update and patch of
 * ConfigMaps to that name; the ConfigMap has no owner (several Gateways of a namespace share it)
 * and holds only public certificates, so one left behind after the last Gateway is harmless.
 *
 * <p>Leader only, like the fleets themselves; a namespace already holding the bundle costs one GET
 * the first time and nothing afterwards.
 */
public final class CaBundlePublisher {

  public static final String CONFIG_MAP = "gantry-control-ca";
  public static final String KEY = "ca.crt";

  private static final System.Logger LOG = System.getLogger(CaBundlePublisher.class.getName());

  private final KubernetesClient client;
  private final Leadership leadership;
  private final Supplier<Set<String>> namespaces;
  private final Supplier<String> bundle;

  /** What this replica knows each namespace holds; cleared when it loses track (a write fails). */
  private final Map<String, String> published = new ConcurrentHashMap<>();

  /** Namespaces fleets were applied to, remembered for rotations. */
  private final Set<String> fleetNamespaces = ConcurrentHashMap.newKeySet();

  /**
   * @param namespaces the namespaces with a proxy fleet, now
   * @param bundle the current PEM bundle
   */
  public CaBundlePublisher(
      KubernetesClient client,
      Leadership leadership,
      Supplier<Set<String>> namespaces,
      Supplier<String> bundle) {
    this.client = client;
    this.leadership = leadership;
    this.namespaces = namespaces;
    this.bundle = bundle;
  }

  /**
   * Makes {@code namespace} hold the current bundle now (before a fleet is applied there, so its
   * pods find the ConfigMap to mount) and keeps it there on later rotations; a no-op on followers.
   */
  public synchronized void publishTo(String namespace) {
    fleetNamespaces.add(namespace);
    publish(Set.of(namespace));
  }

  /** Makes every fleet namespace hold the current bundle; a no-op on followers. */
  public synchronized void publishAll() {
    Set<String> all = new java.util.TreeSet<>(fleetNamespaces);
    all.addAll(namespaces.get());
    publish(all);
  }

  private void publish(Set<String> targets) {
    if (!leadership.isLeader()) {
      // A follower's memory of what is published goes stale while another replica leads.
      published.clear();
      return;
    }
    String pem = bundle.get();
    if (pem == null || pem.isEmpty()) {
      return;
    }
    for (String ns : targets) {
      if (pem.equals(published.get(ns))) {
        continue;
      }
      try {
        ensure(ns, pem);
        published.put(ns, pem);
      } catch (KubernetesClientException e) {
        published.remove(ns);
        LOG.log(
            System.Logger.Level.WARNING,
            "publishing the control channel CA bundle to {0} failed: {1}",
            ns,
            e.getMessage());
      }
    }
  }

  private void ensure(String namespace, String pem) {
    var resource = client.configMaps().inNamespace(namespace).withName(CONFIG_MAP);
    ConfigMap live = resource.get();
    if (live != null && live.getData() != null && pem.equals(live.getData().get(KEY))) {
      return;
    }
    ConfigMap want =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withNamespace(namespace)
            .withName(CONFIG_MAP)
            .withLabels(Map.of("app.kubernetes.io/managed-by", "gantry-operator"))
            .endMetadata()
            .withData(Map.of(KEY, pem))
            .build();
    // A conflicting write (a previous leader's) fails here; the next publishAll re-reads.
    if (live == null) {
      client.configMaps().inNamespace(namespace).resource(want).create();
    } else {
      want.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
      client.configMaps().inNamespace(namespace).resource(want).update();
    }
    LOG.log(System.Logger.Level.INFO, "published control channel CA bundle to {0}", namespace);
  }
}
