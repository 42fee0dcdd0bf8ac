package dev.gantry.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Settings of a Gateway's proxy fleet, referenced by a GatewayClass {@code spec.parametersRef} or a
 * Gateway's {@code spec.infrastructure.parametersRef} (the Gateway's reference wins). Unset fields
 * take the operator's defaults (the chart's proxy values).
 */
@Group(GantryProxyConfig.GROUP)
@Version("v1alpha1")
@Kind(GantryProxyConfig.KIND)
@ShortNames("gpc")
@Categories("gantry")
// Columns on the class rather than @PrinterColumn on the fields: a field's column would repeat the
// field's description, and kubectl shows column descriptions nowhere but in the CRD itself. (The
// generator orders columns by name, so Age comes first rather than last as in built-in kinds.)
@AdditionalPrinterColumn(
    name = "Replicas",
    jsonPath = ".spec.replicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Service",
    jsonPath = ".spec.service.type",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Autoscaling",
    jsonPath = ".spec.autoscaling.enabled",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class GantryProxyConfig
    extends CustomResource<GantryProxyConfigSpec, GantryProxyConfigStatus> implements Namespaced {

  public static final String GROUP = "gantry.dev";
  public static final String KIND = "GantryProxyConfig";

  // Overridden only to describe the two parts in the generated schema.
  @Override
  @JsonPropertyDescription("Desired settings of the proxy fleet.")
  public GantryProxyConfigSpec getSpec() {
    return super.getSpec();
  }

  @Override
  @JsonPropertyDescription("Observed state, written by the operator.")
  public GantryProxyConfigStatus getStatus() {
    return super.getStatus();
  }
}
