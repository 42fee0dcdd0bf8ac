package dev.gantry.translator.gateway;

import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.status.ConditionsBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParametersReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SupportedFeature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accepts the GatewayClasses whose controllerName is Gantry's and computes their status. Gantry has
 * no parameters kind yet, so a class with a {@code parametersRef} is not accepted (the spec's
 * {@code InvalidParameters}) rather than silently ignoring what the user asked for.
 */
public final class GatewayClassTranslator {

  /**
   * The conformance features Gantry implements, sorted by name as the spec requires (String order
   * is the byte order of these ASCII names).
   */
  public static final List<String> SUPPORTED_FEATURES =
      List.of(
              "Gateway",
              "GatewayHTTPListenerIsolation",
              "GatewayPort8080",
              "GatewayStaticAddresses",
              "HTTPRoute",
              "HTTPRoute303RedirectStatusCode",
              "HTTPRoute307RedirectStatusCode",
              "HTTPRoute308RedirectStatusCode",
              "HTTPRouteBackendProtocolH2C",
              "HTTPRouteBackendProtocolWebSocket",
              "HTTPRouteBackendRequestHeaderModification",
              "HTTPRouteBackendTimeout",
              "HTTPRouteCORS",
              "HTTPRouteDestinationPortMatching",
              "HTTPRouteHostRewrite",
              "HTTPRouteMethodMatching",
              "HTTPRouteNamedRouteRule",
              "HTTPRouteParentRefPort",
              "HTTPRoutePathRedirect",
              "HTTPRoutePathRewrite",
              "HTTPRoutePortRedirect",
              "HTTPRouteQueryParamMatching",
              "HTTPRouteRequestMirror",
              "HTTPRouteRequestMultipleMirrors",
              "HTTPRouteRequestPercentageMirror",
              "HTTPRouteRequestTimeout",
              "HTTPRouteResponseHeaderModification",
              "HTTPRouteRetry",
              "HTTPRouteSchemeRedirect",
              "ReferenceGrant")
          .stream()
          .sorted()
          .toList();

  /** Our classes by name, each with its computed status, and whether it was accepted. */
  public record Result(Map<String, GatewayClass> classes, Map<String, Boolean> accepted) {}

  public Result translate(List<GatewayClass> classes, Instant now) {
    Map<String, GatewayClass> out = new TreeMap<>();
    Map<String, Boolean> accepted = new TreeMap<>();
    for (GatewayClass gc : classes) {
      if (gc.getSpec() == null
          || !GatewayApiTranslator.CONTROLLER_NAME.equals(gc.getSpec().getControllerName())) {
        continue;
      }
      ConditionsBuilder cb =
          new ConditionsBuilder(
              gc.getStatus() == null ? null : gc.getStatus().getConditions(),
              gc.getMetadata().getGeneration(),
              now);
      ParametersReference ref = gc.getSpec().getParametersRef();
      boolean ok = ref == null;
      if (ok) {
        cb.set(
            Conditions.ACCEPTED,
            true,
            Conditions.REASON_ACCEPTED,
            "GatewayClass is accepted by " + GatewayApiTranslator.CONTROLLER_NAME);
      } else {
        cb.set(
            Conditions.ACCEPTED,
            false,
            Conditions.REASON_INVALID_PARAMETERS,
            "spec.parametersRef: "
                + ref.getGroup()
                + "/"
                + ref.getKind()
                + "/"
                + ref.getName()
                + " (expected: no parametersRef; Gantry does not support a parameters kind yet)");
      }
      List<SupportedFeature> features = new ArrayList<>();
      for (String f : SUPPORTED_FEATURES) {
        features.add(new SupportedFeature(f));
      }
      GatewayClass copy =
          new GatewayClassBuilder(gc)
              .withStatus(new GatewayClassStatus(cb.build(), features))
              .build();
      out.put(gc.getMetadata().getName(), copy);
      accepted.put(gc.getMetadata().getName(), ok);
    }
    return new Result(out, accepted);
  }
}
