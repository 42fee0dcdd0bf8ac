package dev.gantry.translator.gateway;

import dev.gantry.model.routing.ClientValidation;
import dev.gantry.model.secrets.CaBundle;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.support.CaCertificateResolver;
import dev.gantry.translator.support.InvalidValueException;
import dev.gantry.translator.support.Names;
import dev.gantry.translator.support.ResourceIndex;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.FrontendTLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.FrontendTLSValidation;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayTLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSPortConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Gateway {@code spec.tls.frontend} → client-certificate validation on the HTTPS listeners it
 * covers: the {@code perPort} entry for the listener's port, else {@code default}. Each
 * caCertificateRef is resolved like the spec says: an unsupported kind → listener {@code
 * ResolvedRefs=False/InvalidCACertificateKind}; a cross-namespace reference without ReferenceGrant
 * → {@code RefNotPermitted}; a missing object or one without PEM under {@code ca.crt} → {@code
 * InvalidCACertificateRef}; when none is usable, the listener is {@code
 * Accepted=False/NoValidCACertificate} and not programmed (it must not silently accept every
 * client). Fabric8 7.5.2 models {@code spec.tls.frontend} (GatewayTLSConfig/FrontendTLSConfig), so
 * nothing is read from additional properties.
 */
final class FrontendValidationTranslator {

  static final String ALLOW_VALID_ONLY = "AllowValidOnly";
  static final String ALLOW_INSECURE_FALLBACK = "AllowInsecureFallback";

  private final ResourceIndex index;
  private final CaCertificateResolver resolver;

  FrontendValidationTranslator(ResourceIndex index) {
    this.index = index;
    this.resolver = new CaCertificateResolver(index);
  }

  /** Whether the Gateway configures AllowInsecureFallback anywhere (a Gateway-level condition). */
  static boolean insecureFallbackConfigured(GatewayContext gw) {
    FrontendTLSConfig fe = frontend(gw);
    if (fe == null) {
      return false;
    }
    List<TLSConfig> configs = new ArrayList<>();
    configs.add(fe.getDefault());
    if (fe.getPerPort() != null) {
      fe.getPerPort().forEach(p -> configs.add(p == null ? null : p.getTls()));
    }
    return configs.stream()
        .anyMatch(
            c ->
                c != null
                    && c.getValidation() != null
                    && ALLOW_INSECURE_FALLBACK.equals(c.getValidation().getMode()));
  }

  private static FrontendTLSConfig frontend(GatewayContext gw) {
    GatewayTLSConfig tls = gw.gateway.getSpec().getTls();
    return tls == null ? null : tls.getFrontend();
  }

  /** Sets {@code l}'s client validation, or its failure conditions. HTTPS listeners only. */
  void translate(GatewayContext gw, ListenerContext l) {
    FrontendTLSConfig fe = frontend(gw);
    if (fe == null) {
      return;
    }
    TLSConfig config = fe.getDefault();
    String field = "spec.tls.frontend.default";
    List<TLSPortConfig> perPort = fe.getPerPort() == null ? List.of() : fe.getPerPort();
    for (int i = 0; i < perPort.size(); i++) {
      TLSPortConfig p = perPort.get(i);
      if (p != null && p.getPort() != null && p.getPort() == l.port()) {
        config = p.getTls();
        field = "spec.tls.frontend.perPort[" + i + "].tls";
        break;
      }
    }
    FrontendTLSValidation validation = config == null ? null : config.getValidation();
    if (validation == null) {
      return;
    }
    field = field + ".validation";
    String mode = Names.orDefault(validation.getMode(), ALLOW_VALID_ONLY);
    ClientValidation.Mode modelMode;
    switch (mode) {
      case ALLOW_VALID_ONLY -> modelMode = ClientValidation.Mode.ALLOW_VALID_ONLY;
      case ALLOW_INSECURE_FALLBACK -> modelMode = ClientValidation.Mode.ALLOW_INSECURE_FALLBACK;
      default -> {
        l.acceptedReason = Conditions.REASON_UNSUPPORTED_VALUE;
        l.acceptedMessage =
            field + ".mode: " + mode + " (expected: AllowValidOnly or AllowInsecureFallback)";
        l.certificatesResolved = false;
        return;
      }
    }
    List<ObjectReference> refs =
        validation.getCaCertificateRefs() == null ? List.of() : validation.getCaCertificateRefs();
    List<CaBundle> bundles = new ArrayList<>();
    for (int i = 0; i < refs.size(); i++) {
      ObjectReference ref = refs.get(i);
      String refField = field + ".caCertificateRefs[" + i + "]";
      String ns = Names.orDefault(ref.getNamespace(), gw.namespace());
      String group = Names.orEmpty(ref.getGroup());
      try {
        if (group.isEmpty()
            && ("ConfigMap".equals(ref.getKind()) || "Secret".equals(ref.getKind()))
            && !index
                .referenceGrants()
                .allowed(
                    Names.GATEWAY_GROUP,
                    "Gateway",
                    gw.namespace(),
                    "",
                    ref.getKind(),
                    ns,
                    ref.getName())) {
          throw new InvalidValueException(
              refField,
              ns + "/" + ref.getName(),
              "a ReferenceGrant in namespace " + ns + " allowing Gateways from " + gw.namespace(),
              Conditions.REASON_REF_NOT_PERMITTED);
        }
        CaBundle b =
            resolver.resolve(
                refField,
                group,
                ref.getKind(),
                ns,
                ref.getName(),
                Conditions.REASON_INVALID_CA_CERTIFICATE_KIND);
        if (bundles.stream().noneMatch(x -> x.name().equals(b.name()))) {
          bundles.add(b);
        }
      } catch (InvalidValueException e) {
        l.resolvedRefsFailure(e.reason(), e.getMessage());
      }
    }
    if (bundles.isEmpty()) {
      l.acceptedReason = Conditions.REASON_NO_VALID_CA_CERTIFICATE;
      l.acceptedMessage =
          field
              + ".caCertificateRefs: "
              + refs.size()
              + " reference(s), none usable (expected: at least one valid CA certificate"
              + " reference)";
      l.certificatesResolved = false;
      return;
    }
    l.clientValidation =
        new ClientValidation(bundles.stream().map(CaBundle::name).toList(), modelMode);
    l.caBundles.addAll(bundles);
  }
}
