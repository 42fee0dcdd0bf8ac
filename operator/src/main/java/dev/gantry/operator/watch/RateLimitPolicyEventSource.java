package dev.gantry.operator.watch;

import dev.gantry.api.v1alpha1.RateLimitPolicy;
import dev.gantry.operator.input.ObjectKeys;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * RateLimitPolicies. A spec change reconciles the Gateways the new spec leads to (the mapper) and
 * also those the old spec led to: a mapper only sees the new object, so without the second part a
 * policy re-targeted away from a Gateway would keep that Gateway's ancestor entry (and, until then,
 * that Gateway's proxies would keep enforcing it) until some unrelated change happened to reconcile
 * that Gateway. Reconciling it re-translates without the policy, which takes its limits out of the
 * Gateway's snapshot, and its status flush removes our entry for it.
 *
 * <p>Status-only updates (our own writes) reconcile nothing.
 */
final class RateLimitPolicyEventSource extends InformerEventSource<RateLimitPolicy, Gateway> {

  private final String controllerName;
  private final Function<RateLimitPolicy, Set<ResourceID>> gatewaysOf;

  RateLimitPolicyEventSource(
      EventSourceContext<Gateway> context,
      String controllerName,
      Function<RateLimitPolicy, Set<ResourceID>> gatewaysOf) {
    super(
        InformerEventSourceConfiguration.from(RateLimitPolicy.class, Gateway.class)
            .withName("ratelimitpolicies")
            .withSecondaryToPrimaryMapper(gatewaysOf::apply)
            .withOnUpdateFilter(RateLimitPolicyEventSource::specChanged)
            .build(),
        context);
    this.controllerName = controllerName;
    this.gatewaysOf = gatewaysOf;
  }

  @Override
  public void onUpdate(RateLimitPolicy oldPolicy, RateLimitPolicy newPolicy) {
    super.onUpdate(oldPolicy, newPolicy);
    if (!specChanged(newPolicy, oldPolicy)) {
      return;
    }
    Set<ResourceID> left = previousGateways(oldPolicy);
    left.removeAll(gatewaysOf.apply(newPolicy));
    for (ResourceID gateway : left) {
      getEventHandler().handleEvent(new Event(gateway));
    }
  }

  /**
   * The Gateways the old spec leads to (judged against today's routes), and those our status
   * entries name: an entry written before a route moved still has to be removed.
   */
  private Set<ResourceID> previousGateways(RateLimitPolicy oldPolicy) {
    Set<ResourceID> out = new HashSet<>(gatewaysOf.apply(oldPolicy));
    var status = oldPolicy.getStatus();
    if (status != null && status.getAncestors() != null) {
      String ns = oldPolicy.getMetadata().getNamespace();
      for (var a : status.getAncestors()) {
        if (!controllerName.equals(a.getControllerName())) {
          continue;
        }
        String key = ObjectKeys.gatewayKey(a.getAncestorRef(), ns);
        if (key != null) {
          String[] nsName = key.split("/", 2);
          out.add(new ResourceID(nsName[1], nsName[0]));
        }
      }
    }
    return out;
  }

  static boolean specChanged(RateLimitPolicy newPolicy, RateLimitPolicy oldPolicy) {
    return !Objects.equals(
            newPolicy.getMetadata().getGeneration(), oldPolicy.getMetadata().getGeneration())
        || newPolicy.getMetadata().getDeletionTimestamp() != null;
  }
}
