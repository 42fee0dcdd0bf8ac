package dev.gantry.model.secrets;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.gantry.model.ContentHash;
import dev.gantry.model.Lists;
import dev.gantry.model.Validator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The secrets part of a Gateway's snapshot: TLS material referenced by name from listeners and
 * clusters, each list sorted by name.
 *
 * @param certificates serving certificates with their keys
 * @param caBundles trust anchors for client-certificate validation and backend TLS; omitted from
 *     the canonical JSON when empty, so snapshots without them keep their versions
 */
public record SecretsConfig(
    String version, List<TlsCertificate> certificates, List<CaBundle> caBundles) {

  @JsonCreator
  public SecretsConfig {
    certificates = Lists.copy(certificates);
    caBundles = Lists.copy(caBundles);
  }

  public SecretsConfig(String version, List<TlsCertificate> certificates) {
    this(version, certificates, List.of());
  }

  public static SecretsConfig of(List<TlsCertificate> certificates) {
    return of(certificates, List.of());
  }

  public static SecretsConfig of(List<TlsCertificate> certificates, List<CaBundle> caBundles) {
    return new SecretsConfig(
        ContentHash.of(new SecretsConfig(null, certificates, caBundles)), certificates, caBundles);
  }

  @JsonIgnore
  public String computedVersion() {
    return ContentHash.of(new SecretsConfig(null, certificates, caBundles));
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
    v.each("caBundles", caBundles, CaBundle::validate);
    Set<String> seenBundles = new HashSet<>();
    for (CaBundle b : caBundles) {
      if (b != null && !seenBundles.add(b.name())) {
        v.fail("caBundles", b.name(), "unique names");
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
            .toList(),
        caBundles);
  }
}
