package dev.gantry.translator.gateway;

import dev.gantry.model.SourceRef;
import dev.gantry.model.secrets.TlsCertificate;
import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.support.InvalidValueException;
import dev.gantry.translator.support.Names;
import dev.gantry.translator.support.ResourceIndex;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.SecretObjectReference;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves an HTTPS listener's {@code certificateRefs} to TLS material. The certificate chain is
 * parsed as X.509 and the key's PEM body decoded, so that garbage in a Secret is reported on the
 * listener ({@code InvalidCertificateRef}) instead of failing later in a proxy.
 */
final class CertificateResolver {

  private static final Pattern KEY_PEM =
      Pattern.compile(
          "-----BEGIN ([A-Z ]*)PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1PRIVATE KEY-----");

  private final ResourceIndex index;

  CertificateResolver(ResourceIndex index) {
    this.index = index;
  }

  /**
   * @throws InvalidValueException with reason {@code InvalidCertificateRef} or {@code
   *     RefNotPermitted}
   */
  TlsCertificate resolve(String field, String gatewayNamespace, SecretObjectReference ref) {
    String group = Names.orEmpty(ref.getGroup());
    String kind = Names.orDefault(ref.getKind(), "Secret");
    if (!group.isEmpty() || !"Secret".equals(kind)) {
      throw new InvalidValueException(
          field,
          "group \"" + group + "\" kind " + kind + " name " + ref.getName(),
          "a core Secret (group \"\", kind Secret)",
          Conditions.REASON_INVALID_CERTIFICATE_REF);
    }
    String ns = Names.orDefault(ref.getNamespace(), gatewayNamespace);
    if (!index
        .referenceGrants()
        .allowed(
            Names.GATEWAY_GROUP, "Gateway", gatewayNamespace, "", "Secret", ns, ref.getName())) {
      throw new InvalidValueException(
          field,
          ns + "/" + ref.getName(),
          "a ReferenceGrant in namespace " + ns + " allowing Gateways from " + gatewayNamespace,
          Conditions.REASON_REF_NOT_PERMITTED);
    }
    Secret secret = index.secret(ns, ref.getName());
    if (secret == null) {
      throw new InvalidValueException(
          field,
          ns + "/" + ref.getName(),
          "an existing Secret",
          Conditions.REASON_INVALID_CERTIFICATE_REF);
    }
    String chain = value(secret, "tls.crt");
    String key = value(secret, "tls.key");
    if (chain == null || !validChain(chain)) {
      throw new InvalidValueException(
          field,
          "Secret " + ns + "/" + ref.getName() + " key tls.crt",
          "a PEM X.509 certificate chain",
          Conditions.REASON_INVALID_CERTIFICATE_REF);
    }
    if (key == null || !validKey(key)) {
      throw new InvalidValueException(
          field,
          "Secret " + ns + "/" + ref.getName() + " key tls.key",
          "a PEM private key",
          Conditions.REASON_INVALID_CERTIFICATE_REF);
    }
    return new TlsCertificate(
        Names.certificateName(ns, ref.getName()),
        SourceRef.of("Secret", ns, ref.getName()),
        chain,
        key);
  }

  /** A Secret key's text: {@code data} (base64) as the API server stores it, else stringData. */
  private static String value(Secret secret, String key) {
    Map<String, String> data = secret.getData();
    if (data != null && data.get(key) != null) {
      try {
        return new String(Base64.getMimeDecoder().decode(data.get(key)), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    Map<String, String> stringData = secret.getStringData();
    return stringData == null ? null : stringData.get(key);
  }

  private static boolean validChain(String pem) {
    try {
      return !CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .isEmpty();
    } catch (CertificateException | RuntimeException e) {
      return false;
    }
  }

  private static boolean validKey(String pem) {
    Matcher m = KEY_PEM.matcher(pem);
    if (!m.find()) {
      return false;
    }
    try {
      return Base64.getMimeDecoder().decode(m.group(2).strip()).length > 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
