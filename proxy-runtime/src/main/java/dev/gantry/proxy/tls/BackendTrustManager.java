package dev.gantry.proxy.tls;

import dev.gantry.model.routing.BackendTls.SubjectAltName;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Verifies a backend's certificate as BackendTLSPolicy asks: the chain against the policy's CA
 * certificates (or the JVM's well-known CAs), then the leaf's subjectAltNames against the policy's
 * {@code subjectAltNames}, or against its {@code hostname} when it lists none. The name check is
 * done here rather than by the TLS stack's endpoint identification because the spec's rule (any of
 * several DNS names or URIs, and the SNI name not checked when SANs are given) is not HTTPS
 * endpoint identification.
 */
final class BackendTrustManager extends X509ExtendedTrustManager {
  private final X509TrustManager pkix; // null: no valid CA, nothing is trusted
  private final List<SubjectAltName> expected;

  BackendTrustManager(X509TrustManager pkix, List<SubjectAltName> expected) {
    this.pkix = pkix;
    this.expected = List.copyOf(expected);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    if (pkix == null) {
      throw new CertificateException(
          "backend certificate: refused (expected: a BackendTLSPolicy with a valid CA certificate)");
    }
    // The two-argument form: PKIX only, without the JDK's own hostname check.
    pkix.checkServerTrusted(chain, authType);
    verifyNames(chain[0]);
  }

  private void verifyNames(X509Certificate leaf) throws CertificateException {
    List<String> dns = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    try {
      if (leaf.getSubjectAlternativeNames() != null) {
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
          Object type = san.get(0);
          if (Integer.valueOf(2).equals(type)) {
            dns.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
          } else if (Integer.valueOf(6).equals(type)) {
            uris.add((String) san.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new CertificateException("backend certificate subjectAltName: " + e.getMessage(), e);
    }
    for (SubjectAltName want : expected) {
      if (want.type() == SubjectAltName.Type.URI
          ? uris.contains(want.value())
          : dns.stream().anyMatch(d -> dnsMatches(d, want.value().toLowerCase(Locale.ROOT)))) {
        return;
      }
    }
    throw new CertificateException(
        "backend certificate subjectAltNames: DNS "
            + dns
            + " URI "
            + uris
            + " (expected: one of "
            + expected.stream().map(SubjectAltName::value).toList()
            + ")");
  }

  /** RFC 6125: a {@code *.} wildcard in the certificate covers exactly one leftmost label. */
  static boolean dnsMatches(String certName, String host) {
    if (certName.startsWith("*.")) {
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot).equals(certName.substring(1));
    }
    return certName.equals(host);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("client chain: offered to a backend trust manager");
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return pkix == null ? new X509Certificate[0] : pkix.getAcceptedIssuers();
  }
}
