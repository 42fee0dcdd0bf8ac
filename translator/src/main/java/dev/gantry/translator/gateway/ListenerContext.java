package dev.gantry.translator.gateway;

import dev.gantry.model.routing.ClientValidation;
import dev.gantry.model.secrets.CaBundle;
import dev.gantry.model.secrets.TlsCertificate;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKind;
import java.util.ArrayList;
import java.util.List;

/**
 * One Gateway listener while it is being translated: the spec, what the translator decided about
 * it, and the routes attached so far. Mutable on purpose and confined to one translation.
 */
public final class ListenerContext {

  /**
   * The listener {@code tls.options} key that raises the minimum TLS version (Gateway API leaves
   * options to implementations and asks for domain-prefixed keys).
   */
  public static final String MIN_TLS_VERSION_OPTION = "gantry.dev/min-tls-version";

  final Listener spec;
  final int index;
  final List<RouteGroupKind> supportedKinds = new ArrayList<>();
  final List<TlsCertificate> certificates = new ArrayList<>();

  /** Names of HTTPS listeners on the same port whose hostnames overlap this one's. */
  final List<String> overlappingWith = new ArrayList<>();

  /** {@code null} when accepted. */
  String acceptedReason;

  String acceptedMessage;
  String conflictReason;
  String resolvedRefsReason;
  String resolvedRefsMessage;
  boolean certificatesResolved = true;
  String namespacesFrom = "Same";
  LabelSelector namespaceSelector;
  int attachedRoutes;
  String minTlsVersion;

  /** Client-certificate validation from Gateway {@code spec.tls.frontend}, or null. */
  ClientValidation clientValidation;

  /** The CA bundles {@link #clientValidation} names. */
  final List<CaBundle> caBundles = new ArrayList<>();

  ListenerContext(Listener spec, int index) {
    this.spec = spec;
    this.index = index;
  }

  public String name() {
    return spec.getName();
  }

  public int port() {
    return spec.getPort() == null ? 0 : spec.getPort();
  }

  public String protocol() {
    return spec.getProtocol();
  }

  /** The listener hostname, or {@code null} for any host. */
  public String hostname() {
    String h = spec.getHostname();
    return h == null || h.isEmpty() ? null : h;
  }

  /** Accepted and not conflicted: routes on it can be served. */
  public boolean accepted() {
    return acceptedReason == null && conflictReason == null;
  }

  /** Served by the proxy: accepted and its TLS material resolved. */
  public boolean programmed() {
    return accepted() && certificatesResolved;
  }

  public boolean allowsHttpRoute() {
    return supportedKinds.stream().anyMatch(k -> "HTTPRoute".equals(k.getKind()));
  }

  public String namespacesFrom() {
    return namespacesFrom;
  }

  public LabelSelector namespaceSelector() {
    return namespaceSelector;
  }

  /** {@code TLSv1.2}, {@code TLSv1.3} or {@code null} (the proxy's default, TLSv1.2). */
  public String minTlsVersion() {
    return minTlsVersion;
  }

  public ClientValidation clientValidation() {
    return clientValidation;
  }

  public List<CaBundle> caBundles() {
    return caBundles;
  }

  public List<TlsCertificate> certificates() {
    return certificates;
  }

  public String field() {
    return "spec.listeners[" + index + "]";
  }

  public void attachRoute() {
    attachedRoutes++;
  }

  void resolvedRefsFailure(String reason, String message) {
    if (resolvedRefsReason == null) {
      resolvedRefsReason = reason;
      resolvedRefsMessage = message;
    } else {
      resolvedRefsMessage = resolvedRefsMessage + "; " + message;
    }
  }
}
