package dev.gantry.proxy.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** X.509 certificates out of PEM text, and PKIX trust managers over them. */
final class PemCertificates {
  private PemCertificates() {}

  /** Every certificate of a PEM text, in order; throws IllegalArgumentException when none. */
  static List<X509Certificate> parse(String pem) {
    try {
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : certs) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException("no certificate in the PEM text");
      }
      return out;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("X.509: " + e.getMessage(), e);
    }
  }

  /**
   * A PKIX trust manager whose anchors are {@code anchors}, or the JVM's well-known CAs when {@code
   * anchors} is null.
   */
  static X509TrustManager trustManager(List<X509Certificate> anchors) {
    try {
      KeyStore ks = null;
      if (anchors != null) {
        ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        for (int i = 0; i < anchors.size(); i++) {
          ks.setCertificateEntry("ca-" + i, anchors.get(i));
        }
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      for (TrustManager tm : tmf.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("trust managers: none X.509 (expected: the JDK's PKIX)");
    } catch (java.security.GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("trust store: " + e.getMessage(), e);
    }
  }
}
