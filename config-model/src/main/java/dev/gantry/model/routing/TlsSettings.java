package dev.gantry.model.routing;

import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.List;

/**
 * TLS termination on an HTTPS listener.
 *
 * @param certificates names of {@code TlsCertificate}s in the secrets part, in the listener's
 *     certificateRefs order
 */
public record TlsSettings(List<String> certificates) {

  public TlsSettings {
    certificates = Lists.copy(certificates);
  }

  public void validate(Validator v) {
    v.require(!certificates.isEmpty(), "certificates", certificates, "at least one certificate");
  }
}
