package dev.gantry.model.secrets;

import dev.gantry.model.SourceRef;
import dev.gantry.model.Validator;

/**
 * Trust anchors from a ConfigMap ({@code ca.crt}) or a Secret ({@code ca.crt}): the CA certificates
 * a listener verifies client certificates against (Gateway {@code spec.tls.frontend}) or a cluster
 * verifies its endpoints' certificates against (BackendTLSPolicy).
 *
 * @param name stable id, {@code configmap/<ns>/<name>} or {@code secret/<ns>/<name>}
 * @param source the ConfigMap or Secret
 * @param certificatesPem one or more PEM certificates
 */
public record CaBundle(String name, SourceRef source, String certificatesPem) {

  public void validate(Validator v) {
    v.require(name != null && !name.isEmpty(), "name", name, "non-empty");
    v.require(
        certificatesPem != null && certificatesPem.contains("-----BEGIN CERTIFICATE-----"),
        "certificatesPem",
        certificatesPem == null ? null : "<" + certificatesPem.length() + " chars>",
        "one or more PEM certificates");
  }

  @Override
  public String toString() {
    return "CaBundle[" + name + "]";
  }
}
