package dev.gantry.model.secrets;

import dev.gantry.model.SourceRef;
import dev.gantry.model.Validator;

/**
 * A certificate chain and its private key, from a {@code kubernetes.io/tls} Secret.
 *
 * @param name stable id, e.g. {@code secret/ns/name}
 * @param source the Secret
 * @param certificateChainPem the PEM chain, leaf first
 * @param privateKeyPem the PEM private key (PKCS#1, PKCS#8 or EC)
 */
public record TlsCertificate(
    String name, SourceRef source, String certificateChainPem, String privateKeyPem) {

  public void validate(Validator v) {
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
    v.require(
        certificateChainPem != null && certificateChainPem.contains("-----BEGIN CERTIFICATE-----"),
        "certificateChainPem",
        certificateChainPem == null ? null : "<" + certificateChainPem.length() + " chars>",
        "a PEM certificate chain");
    v.require(
        privateKeyPem != null && privateKeyPem.contains("PRIVATE KEY-----"),
        "privateKeyPem",
        privateKeyPem == null ? null : "<redacted>",
        "a PEM private key");
  }

  /** Never print key material. */
  @Override
  public String toString() {
    return "TlsCertificate[" + name + "]";
  }
}
