package dev.gantry.operator.watch;

import dev.gantry.operator.fleet.FleetResources;
import dev.gantry.operator.input.ObjectKeys;
import dev.gantry.operator.stream.FleetReplicas;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Set;

/**
 * The proxy fleet Deployments the operator created (one per Gateway, selected by our managed-by and
 * component labels, so other Deployments are never cached). A change never reconciles a Gateway
 * (the mapper maps to none): the fleet's desired state does not depend on its status, and the
 * applier's hash annotation already keeps the spec as desired. What a change does is feed the
 * Deployment's {@code status.readyReplicas} to {@link FleetReplicas}, which re-sends the divisor of
 * Gateway-wide Local limits to the proxies connected to this operator replica. Every replica runs
 * this informer, since every replica streams; only the leader writes the Deployment.
 */
final class FleetDeploymentEventSource extends InformerEventSource<Deployment, Gateway> {

  static final String SELECTOR =
      FleetResources.MANAGED_BY_LABEL
          + "=gantry-operator,"
          + FleetResources.COMPONENT_LABEL
          + "=gantry-proxy";

  private final FleetReplicas replicas;

  FleetDeploymentEventSource(EventSourceContext<Gateway> context, FleetReplicas replicas) {
    super(
        InformerEventSourceConfiguration.from(Deployment.class, Gateway.class)
            .withName("fleetdeployments")
            .withLabelSelector(SELECTOR)
            .withSecondaryToPrimaryMapper(d -> Set.of())
            .build(),
        context);
    this.replicas = replicas;
  }

  @Override
  public void onAdd(Deployment deployment) {
    super.onAdd(deployment);
    changed(deployment);
  }

  @Override
  public void onUpdate(Deployment oldDeployment, Deployment newDeployment) {
    super.onUpdate(oldDeployment, newDeployment);
    changed(newDeployment);
  }

  @Override
  public void onDelete(Deployment deployment, boolean deletedFinalStateUnknown) {
    super.onDelete(deployment, deletedFinalStateUnknown);
    String gatewayKey = gatewayKey(deployment);
    if (gatewayKey != null) {
      replicas.deploymentDeleted(gatewayKey);
    }
  }

  private void changed(Deployment deployment) {
    String gatewayKey = gatewayKey(deployment);
    if (gatewayKey != null) {
      replicas.deploymentReady(
          gatewayKey,
          deployment.getStatus() == null ? null : deployment.getStatus().getReadyReplicas());
    }
  }

  /**
   * The owning Gateway, from the controller owner reference the fleet carries (exact, unlike the
   * gateway-name label, which is shortened for long names).
   */
  static String gatewayKey(Deployment deployment) {
    if (deployment.getMetadata().getOwnerReferences() == null) {
      return null;
    }
    for (OwnerReference o : deployment.getMetadata().getOwnerReferences()) {
      if ("Gateway".equals(o.getKind()) && Boolean.TRUE.equals(o.getController())) {
        return ObjectKeys.key(deployment.getMetadata().getNamespace(), o.getName());
      }
    }
    return null;
  }
}
