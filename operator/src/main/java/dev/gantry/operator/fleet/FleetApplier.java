package dev.gantry.operator.fleet;

import dev.gantry.model.ContentHash;
import dev.gantry.operator.status.Leadership;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes a Gateway's fleet objects exist as desired. Each object carries the hash of its desired
 * form in an annotation; an object whose hash matches is left alone, so a reconcile that changes
 * nothing writes nothing (and never fights fields the cluster defaults, such as a Service's
 * clusterIP). Changes go through server-side apply with the operator as field manager.
 *
 * <p>Only the leader writes; followers remember the desired fleets so that a new leader can apply
 * them at once.
 */
public final class FleetApplier {

  public static final String HASH_ANNOTATION = "gantry.dev/desired-hash";
  public static final String FIELD_MANAGER = "gantry-operator";

  private static final System.Logger LOG = System.getLogger(FleetApplier.class.getName());

  private final KubernetesClient client;
  private final Leadership leadership;
  private final Map<String, List<HasMetadata>> desired = new ConcurrentHashMap<>();
  private final AtomicLong writes = new AtomicLong();
  private final List<java.util.function.Consumer<String>> beforeApply =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public FleetApplier(KubernetesClient client, Leadership leadership) {
    this.client = client;
    this.leadership = leadership;
  }

  /**
   * Runs {@code action} with a fleet's namespace before the leader applies the fleet there: for
   * what its pods need to find in place when they start (the control channel's CA bundle).
   */
  public void beforeApply(java.util.function.Consumer<String> action) {
    beforeApply.add(action);
  }

  public long writes() {
    return writes.get();
  }

  /**
   * Records and (as leader) applies a Gateway's fleet.
   *
   * @return the fleet's Service as it is in the cluster, for the Gateway's status addresses
   */
  public Optional<Service> apply(String gatewayKey, List<HasMetadata> objects) {
    desired.put(gatewayKey, objects);
    Service live = null;
    if (leadership.isLeader()) {
      if (!objects.isEmpty()) {
        String ns = objects.get(0).getMetadata().getNamespace();
        beforeApply.forEach(a -> a.accept(ns));
      }
      for (HasMetadata o : objects) {
        HasMetadata now = ensure(o);
        if (now instanceof Service s) {
          live = s;
        }
      }
      removeStaleAutoscaler(objects);
    } else {
      live =
          objects.stream()
              .filter(Service.class::isInstance)
              .findFirst()
              .map(
                  s ->
                      client
                          .services()
                          .inNamespace(s.getMetadata().getNamespace())
                          .withName(s.getMetadata().getName())
                          .get())
              .orElse(null);
    }
    return Optional.ofNullable(live);
  }

  public void forget(String gatewayKey) {
    desired.remove(gatewayKey);
  }

  /** Applies every remembered fleet: called when this replica becomes leader. */
  public void applyAll() {
    desired.forEach(this::apply);
  }

  private HasMetadata ensure(HasMetadata desiredObject) {
    // Work on a copy: the remembered desired object must stay free of the hash annotation.
    HasMetadata want = client.getKubernetesSerialization().clone(desiredObject);
    if (want.getMetadata().getAnnotations() != null) {
      want.getMetadata().getAnnotations().remove(HASH_ANNOTATION);
    }
    String hash = ContentHash.ofBytes(Serialization.asJson(want).getBytes(StandardCharsets.UTF_8));
    HasMetadata live = client.resource(want).get();
    if (live != null
        && live.getMetadata().getAnnotations() != null
        && hash.equals(live.getMetadata().getAnnotations().get(HASH_ANNOTATION))) {
      return live;
    }
    Map<String, String> annotations =
        new HashMap<>(
            want.getMetadata().getAnnotations() == null
                ? Map.of()
                : want.getMetadata().getAnnotations());
    annotations.put(HASH_ANNOTATION, hash);
    want.getMetadata().setAnnotations(annotations);
    HasMetadata written;
    if (live == null) {
      written = client.resource(want).create();
    } else {
      written =
          client.resource(want).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }
    writes.incrementAndGet();
    LOG.log(
        System.Logger.Level.INFO,
        "{0} {1} {2}/{3}",
        live == null ? "created" : "updated",
        want.getKind(),
        want.getMetadata().getNamespace(),
        want.getMetadata().getName());
    return written;
  }

  private void removeStaleAutoscaler(List<HasMetadata> objects) {
    if (objects.stream().anyMatch(HorizontalPodAutoscaler.class::isInstance)) {
      return;
    }
    objects.stream()
        .filter(Service.class::isInstance)
        .findFirst()
        .ifPresent(
            s -> {
              var hpa =
                  client
                      .resources(HorizontalPodAutoscaler.class)
                      .inNamespace(s.getMetadata().getNamespace())
                      .withName(s.getMetadata().getName());
              HorizontalPodAutoscaler existing = hpa.get();
              if (existing != null
                  && existing.getMetadata().getAnnotations() != null
                  && existing.getMetadata().getAnnotations().containsKey(HASH_ANNOTATION)) {
                hpa.delete();
                writes.incrementAndGet();
              }
            });
  }
}
