package dev.gantry.model.secrets;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.gantry.model.ContentHash;
import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The secrets part of a Gateway's snapshot: TLS material referenced by name from listeners, sorted
 * by name.
 */
public record SecretsConfig(String version, List<TlsCertificate> certificates) {

  public SecretsConfig {
    certificates = Lists.copy(certificates);
  }

  public static SecretsConfig of(List<TlsCertificate> certificates) {
    return new SecretsConfig(ContentHash.of(new SecretsConfig(null, certificates)), certificates);
  }

  @JsonIgnore
  public String computedVersion() {
    return ContentHash.of(new SecretsConfig(null, certificates));
  }

  public void validate(Validator v) {
    v.require(
        version != null && version.equals(computedVersion()),
        "version",
        version,
        "the content hash " + computedVersion());
    v.each("certificates", certificates, TlsCertificate::validate);
    Set<String> seen = new HashSet<>();
    for (TlsCertificate c : certificates) {
      if (c != null && !seen.add(c.name())) {
        v.fail("certificates", c.name(), "unique names");
      }
    }
  }

  /** The same part with key material replaced, safe to print (admin {@code /config}). */
  public SecretsConfig redacted() {
    return new SecretsConfig(
        version,
        certificates.stream()
            .map(
                c ->
                    new TlsCertificate(c.name(), c.source(), c.certificateChainPem(), "<redacted>"))
            .toList());
  }
}
