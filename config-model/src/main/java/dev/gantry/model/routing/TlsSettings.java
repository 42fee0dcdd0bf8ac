package dev.gantry.model.routing;

import com.fasterxml.jackson.annotation.JsonCreator;
import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.List;
import java.util.Set;

/**
 * TLS termination on an HTTPS listener.
 *
 * @param certificates names of {@code TlsCertificate}s in the secrets part, in the listener's
 *     certificateRefs order
 * @param minVersion the lowest TLS protocol version accepted: {@code TLSv1.2} or {@code TLSv1.3};
 *     {@code null} = {@code TLSv1.2} (nothing older is ever offered). Optional and omitted from the
 *     canonical JSON when unset, so snapshots written before it existed keep their hashes.
 * @param clientValidation client certificates required (or optional) on this listener; {@code null}
 *     = no client certificate requested. Omitted from the canonical JSON when unset.
 */
public record TlsSettings(
    List<String> certificates, String minVersion, ClientValidation clientValidation) {

  /** The protocol versions a listener may require as its minimum. */
  public static final Set<String> MIN_VERSIONS = Set.of("TLSv1.2", "TLSv1.3");

  @JsonCreator
  public TlsSettings {
    certificates = Lists.copy(certificates);
    minVersion = Lists.emptyToNull(minVersion);
  }

  public TlsSettings(List<String> certificates) {
    this(certificates, null, null);
  }

  public TlsSettings(List<String> certificates, String minVersion) {
    this(certificates, minVersion, null);
  }

  public void validate(Validator v) {
    v.require(!certificates.isEmpty(), "certificates", certificates, "at least one certificate");
    v.require(
        minVersion == null || MIN_VERSIONS.contains(minVersion),
        "minVersion",
        minVersion,
        "TLSv1.2 or TLSv1.3");
    v.nested("clientValidation", clientValidation, c -> clientValidation.validate(c));
  }
}
