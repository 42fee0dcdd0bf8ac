package dev.gantry.operator.watch;

import dev.gantry.operator.stream.EndpointsFastPath;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Set;

/**
 * EndpointSlices: cached like every input, but a change never reconciles a Gateway (its mapper maps
 * to no Gateway). Instead each event goes straight to the {@link EndpointsFastPath}, which pushes a
 * new endpoints part to the proxies of the Gateways using that Service without re-translating.
 */
final class EndpointSliceEventSource extends InformerEventSource<EndpointSlice, Gateway> {

  private final EndpointsFastPath fastPath;

  EndpointSliceEventSource(EventSourceContext<Gateway> context, EndpointsFastPath fastPath) {
    super(
        InformerEventSourceConfiguration.from(EndpointSlice.class, Gateway.class)
            .withName("endpointslices")
            .withSecondaryToPrimaryMapper(slice -> Set.of())
            .build(),
        context);
    this.fastPath = fastPath;
  }

  @Override
  public void onAdd(EndpointSlice slice) {
    super.onAdd(slice);
    changed(slice);
  }

  @Override
  public void onUpdate(EndpointSlice oldSlice, EndpointSlice newSlice) {
    super.onUpdate(oldSlice, newSlice);
    changed(newSlice);
  }

  @Override
  public void onDelete(EndpointSlice slice, boolean deletedFinalStateUnknown) {
    super.onDelete(slice, deletedFinalStateUnknown);
    changed(slice);
  }

  private void changed(EndpointSlice slice) {
    String service =
        slice.getMetadata().getLabels() == null
            ? null
            : slice.getMetadata().getLabels().get(InformerCaches.SERVICE_NAME_LABEL);
    if (service != null) {
      fastPath.serviceEndpointsChanged(slice.getMetadata().getNamespace(), service);
    }
  }
}
