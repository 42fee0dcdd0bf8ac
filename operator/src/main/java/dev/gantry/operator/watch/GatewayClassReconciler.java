package dev.gantry.operator.watch;

import dev.gantry.operator.GatewayPipeline;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Reconciles a GatewayClass on its own, so that a class with no Gateway yet still gets its {@code
 * Accepted} status. Generation-aware: the status writer's writes do not come back here.
 */
@ControllerConfiguration(name = "gatewayclass")
public final class GatewayClassReconciler implements Reconciler<GatewayClass> {

  private final GatewayPipeline pipeline;

  public GatewayClassReconciler(GatewayPipeline pipeline) {
    this.pipeline = pipeline;
  }

  @Override
  public UpdateControl<GatewayClass> reconcile(
      GatewayClass gatewayClass, Context<GatewayClass> context) {
    pipeline.gatewayClassChanged(gatewayClass);
    return UpdateControl.noUpdate();
  }
}
