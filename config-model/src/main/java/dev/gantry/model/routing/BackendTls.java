package dev.gantry.model.routing;

import dev.gantry.model.Lists;
import dev.gantry.model.SourceRef;
import dev.gantry.model.Validator;
import java.util.List;

/**
 * TLS from the proxy to a cluster's endpoints (Gateway API BackendTLSPolicy).
 *
 * @param source the BackendTLSPolicy
 * @param hostname the SNI name sent to every endpoint; also the name the endpoint's certificate
 *     must carry when {@code subjectAltNames} is empty
 * @param caBundles names of {@code CaBundle}s in the secrets part to verify the chain against
 * @param systemTrust verify against the JVM's well-known CA certificates (WellKnownCACertificates
 *     {@code System}) instead of bundles
 * @param subjectAltNames when non-empty, the certificate must carry one of these names (and the
 *     hostname is no longer checked)
 *     <p>A policy whose CA references are all invalid yields {@code caBundles} empty and {@code
 *     systemTrust} false: the proxy then trusts nothing and every request answers 5xx, which is
 *     what the spec demands of connections using an invalid CACertificateRef.
 */
public record BackendTls(
    SourceRef source,
    String hostname,
    List<String> caBundles,
    boolean systemTrust,
    List<SubjectAltName> subjectAltNames) {

  /** A name the backend's certificate may carry: a DNS name (wildcards as in RFC 6125) or a URI. */
  public record SubjectAltName(Type type, String value) {
    public enum Type {
      HOSTNAME,
      URI
    }

    public void validate(Validator v) {
      v.require(type != null, "type", type, "HOSTNAME or URI");
      v.require(value != null && !value.isEmpty(), "value", value, "non-empty");
    }
  }

  public BackendTls {
    caBundles = Lists.copy(caBundles);
    subjectAltNames = Lists.copy(subjectAltNames);
  }

  public void validate(Validator v) {
    v.require(source != null, "source", source, "non-null");
    v.require(
        hostname != null && !hostname.isEmpty() && !hostname.contains("*"),
        "hostname",
        hostname,
        "a DNS name without wildcard");
    v.require(
        !(systemTrust && !caBundles.isEmpty()),
        "caBundles",
        caBundles,
        "empty when systemTrust is set");
    v.each("subjectAltNames", subjectAltNames, SubjectAltName::validate);
  }
}
