package dev.gantry.proxy.testing;

import dev.gantry.model.SourceRef;
import dev.gantry.model.secrets.TlsCertificate;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A test PKI built in memory: one root, one intermediate, and leaf certificates per hostname in the
 * key formats Secrets carry in practice (PKCS#8, PKCS#1 RSA, SEC1 EC), plus clients that trust the
 * root and send a chosen SNI name.
 */
public final class TestPki {
  /** How the leaf's private key is written into the Secret. */
  public enum KeyFormat {
    PKCS8,
    /** "RSA PRIVATE KEY" for RSA, "EC PRIVATE KEY" (SEC1) for EC: OpenSSL's traditional forms. */
    TRADITIONAL
  }

  public final X509Bundle root;
  public final X509Bundle intermediate;

  public TestPki() {
    try {
      root =
          new CertificateBuilder()
              .subject("CN=Gantry Test Root")
              .setIsCertificateAuthority(true)
              .ecp256()
              .buildSelfSigned();
      intermediate =
          new CertificateBuilder()
              .subject("CN=Gantry Test Intermediate")
              .setIsCertificateAuthority(true)
              .ecp256()
              .buildIssuedBy(root);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A leaf for {@code dnsName} issued by the intermediate (so the Secret holds a chain). */
  public TlsCertificate leaf(
      String secretName, String dnsName, CertificateBuilder.Algorithm alg, KeyFormat format) {
    try {
      X509Bundle leaf =
          new CertificateBuilder()
              .subject("CN=" + dnsName)
              // Netty's addSanDnsName rejects wildcards (IDN conversion), so encode the SAN here.
              .addExtensionOctetString(
                  Extension.subjectAlternativeName.getId(),
                  false,
                  new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)).getEncoded())
              .algorithm(alg)
              .addExtendedKeyUsageServerAuth()
              .buildIssuedBy(intermediate);
      StringBuilder chain = new StringBuilder();
      // Leaf first, then the intermediate; the root stays with the clients.
      for (X509Certificate c : List.of(leaf.getCertificate(), intermediate.getCertificate())) {
        chain.append(pem(c));
      }
      String key =
          format == KeyFormat.PKCS8
              ? leaf.getPrivateKeyPEM()
              : traditional(leaf.getKeyPair().getPrivate());
      return new TlsCertificate(
          "secret/ns/" + secretName,
          SourceRef.of("Secret", "ns", secretName),
          chain.toString(),
          key);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * PKCS#1 for RSA; SEC1 for EC with the named curve inside, as {@code openssl ecparam -genkey}
   * writes it (the JDK's encoding leaves the curve to the PKCS#8 wrapper, so it is copied in).
   */
  private static String traditional(PrivateKey key) throws IOException {
    if (!(key instanceof java.security.interfaces.ECPrivateKey ec)) {
      return pem(key);
    }
    PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
    byte[] sec1 =
        new org.bouncycastle.asn1.sec.ECPrivateKey(
                ec.getParams().getOrder().bitLength(),
                ec.getS(),
                info.getPrivateKeyAlgorithm().getParameters())
            .getEncoded();
    return pem(new PemObject("EC PRIVATE KEY", sec1));
  }

  private static String pem(Object o) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(o);
    }
    return w.toString();
  }

  /** A JDK SSLContext that trusts only the test root. */
  public SSLContext clientContext() {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, root.toTrustManagerFactory().getTrustManagers(), null);
      return ctx;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A handshaken TLS socket to 127.0.0.1:port that sends {@code sni} (none when null) and checks
   * the presented certificate against it, as a browser would. {@code tlsVersions} limits the
   * offered versions (empty = the JDK's defaults). ALPN offers only {@code http/1.1}.
   */
  public SSLSocket connect(int port, String sni, String... tlsVersions) {
    try {
      Socket raw = new Socket();
      raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      // Layering over a connected socket with a host name makes the JDK send it as SNI.
      SSLSocket s =
          (SSLSocket)
              clientContext()
                  .getSocketFactory()
                  .createSocket(raw, sni == null ? "127.0.0.1" : sni, port, true);
      s.setSoTimeout(15_000);
      SSLParameters p = s.getSSLParameters();
      if (sni == null) {
        p.setServerNames(List.of());
      } else {
        p.setServerNames(List.of(new SNIHostName(sni)));
        p.setEndpointIdentificationAlgorithm("HTTPS");
      }
      if (tlsVersions.length > 0) {
        p.setProtocols(tlsVersions);
      }
      p.setApplicationProtocols(new String[] {"http/1.1"});
      s.setSSLParameters(p);
      s.startHandshake();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
