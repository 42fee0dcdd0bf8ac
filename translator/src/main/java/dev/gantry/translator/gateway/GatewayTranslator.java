package dev.gantry.translator.gateway;

import dev.gantry.model.secrets.TlsCertificate;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.support.HostnameIntersection;
import dev.gantry.translator.support.InvalidValueException;
import dev.gantry.translator.support.Names;
import dev.gantry.translator.support.ResourceIndex;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedRoutes;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerTLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalParametersReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Gateway → {@link GatewayContext}: Gateway-level checks (parametersRef, addresses) and, per
 * listener, protocol, TLS, allowedRoutes and conflicts. Route attachment runs afterwards and only
 * counts on the contexts; {@link GatewayStatusBuilder} turns them into status.
 */
public final class GatewayTranslator {

  private static final Set<String> KNOWN_PROTOCOLS = Set.of("HTTP", "HTTPS", "TLS", "TCP", "UDP");

  private final CertificateResolver certificates;
  private final FrontendValidationTranslator frontendValidation;

  public GatewayTranslator(ResourceIndex index) {
    this.certificates = new CertificateResolver(index);
    this.frontendValidation = new FrontendValidationTranslator(index);
  }

  public GatewayContext translate(Gateway gateway, boolean classAccepted) {
    GatewayContext ctx = new GatewayContext(gateway);
    if (!classAccepted) {
      ctx.rejectReason = Conditions.REASON_INVALID;
      ctx.rejectMessage =
          "spec.gatewayClassName: "
              + gateway.getSpec().getGatewayClassName()
              + " (expected: an Accepted GatewayClass)";
    }
    LocalParametersReference params =
        gateway.getSpec().getInfrastructure() == null
            ? null
            : gateway.getSpec().getInfrastructure().getParametersRef();
    if (params != null && ctx.rejectReason == null) {
      ctx.rejectReason = Conditions.REASON_INVALID_PARAMETERS;
      ctx.rejectMessage =
          "spec.infrastructure.parametersRef: "
              + params.getGroup()
              + "/"
              + params.getKind()
              + "/"
              + params.getName()
              + " (expected: no parametersRef; Gantry does not support a parameters kind yet)";
    }
    translateAddresses(ctx);
    List<Listener> listeners =
        gateway.getSpec().getListeners() == null ? List.of() : gateway.getSpec().getListeners();
    for (int i = 0; i < listeners.size(); i++) {
      ListenerContext l = new ListenerContext(listeners.get(i), i);
      translateListener(ctx, l);
      ctx.listeners.add(l);
    }
    markConflicts(ctx.listeners);
    markOverlappingTls(ctx.listeners);
    return ctx;
  }

  private void translateAddresses(GatewayContext ctx) {
    List<GatewaySpecAddress> addresses = ctx.gateway.getSpec().getAddresses();
    if (addresses == null) {
      return;
    }
    for (int i = 0; i < addresses.size(); i++) {
      GatewaySpecAddress a = addresses.get(i);
      String type = Names.orDefault(a.getType(), "IPAddress");
      if (!type.equals("IPAddress") && !type.equals("Hostname")) {
        if (ctx.rejectReason == null) {
          ctx.rejectReason = Conditions.REASON_UNSUPPORTED_ADDRESS;
          ctx.rejectMessage =
              "spec.addresses[" + i + "].type: " + type + " (expected: IPAddress or Hostname)";
        }
        continue;
      }
      // An address without a value asks for auto-assignment; the operator fills it in later.
      if (a.getValue() != null && !a.getValue().isEmpty()) {
        ctx.addresses.add(new GatewayStatusAddress(type, a.getValue()));
      }
    }
  }

  private void translateListener(GatewayContext gw, ListenerContext l) {
    String protocol = Names.orEmpty(l.protocol());
    boolean http = protocol.equals("HTTP") || protocol.equals("HTTPS");
    if (!http) {
      l.acceptedReason = Conditions.REASON_UNSUPPORTED_PROTOCOL;
      l.acceptedMessage =
          new InvalidValueException(
                  l.field() + ".protocol", l.protocol(), "HTTP or HTTPS; Gantry serves HTTP only")
              .getMessage();
      translateNamespaces(l);
      return;
    }
    translateKinds(l);
    translateNamespaces(l);
    if (protocol.equals("HTTPS")) {
      translateTls(gw, l);
      if (l.acceptedReason == null) {
        frontendValidation.translate(gw, l);
      }
    }
  }

  private static void translateKinds(ListenerContext l) {
    AllowedRoutes allowed = l.spec.getAllowedRoutes();
    List<RouteGroupKind> kinds = allowed == null ? null : allowed.getKinds();
    if (kinds == null || kinds.isEmpty()) {
      l.supportedKinds.add(new RouteGroupKind(Names.GATEWAY_GROUP, "HTTPRoute"));
      return;
    }
    List<String> invalid = new ArrayList<>();
    for (RouteGroupKind k : kinds) {
      String group = Names.orDefault(k.getGroup(), Names.GATEWAY_GROUP);
      if (group.equals(Names.GATEWAY_GROUP) && "HTTPRoute".equals(k.getKind())) {
        if (!l.allowsHttpRoute()) {
          l.supportedKinds.add(new RouteGroupKind(Names.GATEWAY_GROUP, "HTTPRoute"));
        }
      } else {
        invalid.add(group + "/" + k.getKind());
      }
    }
    if (!invalid.isEmpty()) {
      l.resolvedRefsFailure(
          Conditions.REASON_INVALID_ROUTE_KINDS,
          l.field()
              + ".allowedRoutes.kinds: "
              + String.join(", ", invalid)
              + " (expected: "
              + Names.GATEWAY_GROUP
              + "/HTTPRoute)");
    }
  }

  private static void translateNamespaces(ListenerContext l) {
    AllowedRoutes allowed = l.spec.getAllowedRoutes();
    if (allowed != null && allowed.getNamespaces() != null) {
      l.namespacesFrom = Names.orDefault(allowed.getNamespaces().getFrom(), "Same");
      l.namespaceSelector = allowed.getNamespaces().getSelector();
    }
  }

  private void translateTls(GatewayContext gw, ListenerContext l) {
    ListenerTLSConfig tls = l.spec.getTls();
    if (tls == null) {
      l.acceptedReason = Conditions.REASON_UNSUPPORTED_VALUE;
      l.acceptedMessage =
          l.field() + ".tls: null (expected: tls with certificateRefs on an HTTPS listener)";
      l.certificatesResolved = false;
      return;
    }
    String mode = Names.orDefault(tls.getMode(), "Terminate");
    if (!mode.equals("Terminate")) {
      l.acceptedReason = Conditions.REASON_UNSUPPORTED_VALUE;
      l.acceptedMessage =
          l.field() + ".tls.mode: " + mode + " (expected: Terminate on an HTTPS listener)";
      l.certificatesResolved = false;
      return;
    }
    String minVersion =
        tls.getOptions() == null
            ? null
            : tls.getOptions().get(ListenerContext.MIN_TLS_VERSION_OPTION);
    if (minVersion != null
        && !dev.gantry.model.routing.TlsSettings.MIN_VERSIONS.contains(minVersion)) {
      l.acceptedReason = Conditions.REASON_UNSUPPORTED_VALUE;
      l.acceptedMessage =
          l.field()
              + ".tls.options["
              + ListenerContext.MIN_TLS_VERSION_OPTION
              + "]: "
              + minVersion
              + " (expected: TLSv1.2 or TLSv1.3)";
      l.certificatesResolved = false;
      return;
    }
    l.minTlsVersion = minVersion;
    List<SecretObjectReference> refs = tls.getCertificateRefs();
    if (refs == null || refs.isEmpty()) {
      l.certificatesResolved = false;
      l.resolvedRefsFailure(
          Conditions.REASON_INVALID_CERTIFICATE_REF,
          l.field() + ".tls.certificateRefs: [] (expected: at least one Secret reference)");
      return;
    }
    for (int i = 0; i < refs.size(); i++) {
      String field = l.field() + ".tls.certificateRefs[" + i + "]";
      try {
        TlsCertificate cert = certificates.resolve(field, gw.namespace(), refs.get(i));
        l.certificates.add(cert);
      } catch (InvalidValueException e) {
        l.certificatesResolved = false;
        l.resolvedRefsFailure(e.reason(), e.getMessage());
      }
    }
  }

  /**
   * Marks listeners that are not distinct (§3.3). The spec forbids picking a winner inside one
   * Gateway, so every listener of a conflicting group is rejected with the same reason.
   */
  private static void markConflicts(List<ListenerContext> listeners) {
    Map<Integer, Set<String>> familiesByPort = new HashMap<>();
    for (ListenerContext l : listeners) {
      String family = family(l.protocol());
      if (family != null) {
        familiesByPort.computeIfAbsent(l.port(), p -> new HashSet<>()).add(family);
      }
    }
    Map<String, Integer> hostnameUse = new HashMap<>();
    for (ListenerContext l : listeners) {
      if (family(l.protocol()) != null) {
        hostnameUse.merge(hostnameKey(l), 1, Integer::sum);
      }
    }
    for (ListenerContext l : listeners) {
      String family = family(l.protocol());
      if (family == null) {
        continue;
      }
      if (familiesByPort.get(l.port()).size() > 1) {
        l.conflictReason = Conditions.REASON_PROTOCOL_CONFLICT;
      } else if (hostnameUse.get(hostnameKey(l)) > 1) {
        l.conflictReason = Conditions.REASON_HOSTNAME_CONFLICT;
      }
    }
  }

  /**
   * §3.3: HTTPS listeners on one port whose hostnames overlap ({@code *.example.com} and {@code
   * foo.example.com}) MUST carry {@code OverlappingTLSConfig=True}: a client's SNI may pick a
   * certificate of the other listener. The condition is informational; both stay accepted.
   */
  private static void markOverlappingTls(List<ListenerContext> listeners) {
    for (ListenerContext a : listeners) {
      if (!"HTTPS".equals(a.protocol()) || a.hostname() == null) {
        continue;
      }
      for (ListenerContext b : listeners) {
        if (a != b
            && "HTTPS".equals(b.protocol())
            && a.port() == b.port()
            && b.hostname() != null
            && !a.hostname().equalsIgnoreCase(b.hostname())
            && overlap(
                a.hostname().toLowerCase(Locale.ROOT), b.hostname().toLowerCase(Locale.ROOT))) {
          a.overlappingWith.add(b.name());
        }
      }
    }
  }

  private static boolean overlap(String a, String b) {
    return (HostnameIntersection.isWildcard(a) && HostnameIntersection.covers(a, b))
        || (HostnameIntersection.isWildcard(b) && HostnameIntersection.covers(b, a));
  }

  /**
   * Protocols that cannot share a port: plain HTTP, TLS-terminated (HTTPS and TLS share SNI) and
   * raw TCP. UDP uses a different transport and never collides with them.
   */
  private static String family(String protocol) {
    if (protocol == null || !KNOWN_PROTOCOLS.contains(protocol)) {
      return null;
    }
    return switch (protocol) {
      case "HTTP" -> "http";
      case "HTTPS", "TLS" -> "tls";
      case "TCP" -> "tcp";
      default -> null;
    };
  }

  private static String hostnameKey(ListenerContext l) {
    return l.port() + "/" + family(l.protocol()) + "/" + Names.orEmpty(l.hostname());
  }
}
