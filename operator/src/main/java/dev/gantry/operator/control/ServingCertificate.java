package dev.gantry.operator.control;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * One replica's serving certificate for the snapshot stream, kept in memory only.
 *
 * @param chain leaf first, then the CA that signed it
 * @param key the leaf's private key
 * @param issuer the CA certificate that signed the leaf
 */
public record ServingCertificate(
    List<X509Certificate> chain, PrivateKey key, X509Certificate issuer) {

  public ServingCertificate {
    chain = List.copyOf(chain);
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  public Instant notBefore() {
    return leaf().getNotBefore().toInstant();
  }

  public Instant notAfter() {
    return leaf().getNotAfter().toInstant();
  }
}
