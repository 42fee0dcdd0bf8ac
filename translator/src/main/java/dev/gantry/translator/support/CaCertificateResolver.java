package dev.gantry.translator.support;

import dev.gantry.model.SourceRef;
import dev.gantry.model.secrets.CaBundle;
import dev.gantry.translator.status.Conditions;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Map;

/**
 * Resolves a reference to a CA certificate bundle: a ConfigMap (Core) or a Secret
 * (implementation-specific) holding PEM certificates under the key {@code ca.crt}. The PEM is
 * parsed here, so a bundle without a certificate is reported on the referring object instead of
 * failing a proxy.
 */
public final class CaCertificateResolver {

  /** The key Gateway API names for CA certificates in a ConfigMap or Secret. */
  public static final String CA_KEY = "ca.crt";

  private final ResourceIndex index;

  public CaCertificateResolver(ResourceIndex index) {
    this.index = index;
  }

  /**
   * @param field where the reference is written, for messages
   * @param kindReason the reason for an unsupported group/kind ({@code InvalidCACertificateKind} on
   *     listeners, {@code InvalidKind} on BackendTLSPolicy)
   * @throws InvalidValueException with {@code kindReason} or {@code InvalidCACertificateRef}
   */
  public CaBundle resolve(
      String field, String group, String kind, String namespace, String name, String kindReason) {
    String g = Names.orEmpty(group);
    if (!g.isEmpty() || !("ConfigMap".equals(kind) || "Secret".equals(kind))) {
      throw new InvalidValueException(
          field, "group \"" + g + "\" kind " + kind, "a core ConfigMap or Secret", kindReason);
    }
    String pem;
    if ("ConfigMap".equals(kind)) {
      ConfigMap cm = index.configMap(namespace, name);
      if (cm == null) {
        throw missing(field, "ConfigMap", namespace, name);
      }
      pem = cm.getData() == null ? null : cm.getData().get(CA_KEY);
    } else {
      Secret secret = index.secret(namespace, name);
      if (secret == null) {
        throw missing(field, "Secret", namespace, name);
      }
      pem = secretValue(secret);
    }
    if (pem == null || !parses(pem)) {
      throw new InvalidValueException(
          field,
          kind + " " + namespace + "/" + name + " key " + CA_KEY,
          "PEM CA certificates under key " + CA_KEY,
          Conditions.REASON_INVALID_CA_CERTIFICATE_REF);
    }
    String prefix = "ConfigMap".equals(kind) ? "configmap" : "secret";
    return new CaBundle(
        prefix + "/" + namespace + "/" + name, SourceRef.of(kind, namespace, name), pem);
  }

  private static InvalidValueException missing(
      String field, String kind, String namespace, String name) {
    return new InvalidValueException(
        field,
        kind + " " + namespace + "/" + name,
        "an existing " + kind,
        Conditions.REASON_INVALID_CA_CERTIFICATE_REF);
  }

  private static String secretValue(Secret secret) {
    Map<String, String> data = secret.getData();
    if (data != null && data.get(CA_KEY) != null) {
      try {
        return new String(Base64.getMimeDecoder().decode(data.get(CA_KEY)), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    return secret.getStringData() == null ? null : secret.getStringData().get(CA_KEY);
  }

  private static boolean parses(String pem) {
    try {
      return !CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .isEmpty();
    } catch (Exception e) {
      return false;
    }
  }
}
