package dev.gantry.operator.control;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed ECDSA P-256 certificate authority for the snapshot stream, and the serving
 * certificates it signs. Bouncy Castle builds the X.509 structures; the keys and signatures come
 * from the JDK's own providers (SunEC), so no provider needs registering.
 *
 * @param certificate the CA certificate (what proxies trust)
 * @param key its private key (only ever in the operator's Secret and memory)
 */
public record CertificateAuthority(X509Certificate certificate, PrivateKey key) {

  private static final String SIGNATURE = "SHA256withECDSA";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A new CA valid from {@code now} (minus a minute of clock skew) for {@code validity}. */
  public static CertificateAuthority create(Instant now, java.time.Duration validity) {
    KeyPair pair = newKeyPair();
    X500Name name = new X500Name("CN=gantry-control-ca-" + now.getEpochSecond());
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              name,
              serial(),
              Date.from(now.minusSeconds(60)),
              Date.from(now.plus(validity)),
              name,
              pair.getPublic());
      // pathLen 0: this CA signs serving certificates only, never another CA.
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("creating the control channel CA failed", e);
    }
  }

  /**
   * A serving certificate for the snapshot stream: the given DNS names and IP addresses as SANs,
   * valid from {@code now} (minus a minute of skew) for {@code validity}, but never beyond this CA.
   */
  public ServingCertificate issue(
      List<String> dnsNames, List<String> ipAddresses, Instant now, java.time.Duration validity) {
    if (dnsNames.isEmpty() && ipAddresses.isEmpty()) {
      throw new IllegalArgumentException(
          "serving certificate SANs: [] (expected: at least one DNS name or IP address)");
    }
    KeyPair pair = newKeyPair();
    Instant notAfter = now.plus(validity);
    if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
      notAfter = certificate.getNotAfter().toInstant();
    }
    List<GeneralName> sans = new ArrayList<>();
    dnsNames.forEach(d -> sans.add(new GeneralName(GeneralName.dNSName, d)));
    for (String ip : ipAddresses) {
      sans.add(new GeneralName(GeneralName.iPAddress, ip));
    }
    String cn = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b =
          new JcaX509v3CertificateBuilder(
              certificate,
              serial(),
              Date.from(now.minusSeconds(60)),
              Date.from(notAfter),
              new X500Name("CN=" + cn),
              pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(sans.toArray(GeneralName[]::new)));
      b.addExtension(
          Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new ServingCertificate(
          List.of(sign(b, key), certificate), pair.getPrivate(), certificate);
    } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("issuing the snapshot serving certificate failed", e);
    }
  }

  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }

  public Instant notBefore() {
    return certificate.getNotBefore().toInstant();
  }

  public String certificatePem() {
    return pem(certificate);
  }

  /** The key as PKCS#8 PEM ({@code PRIVATE KEY}). */
  public String keyPem() {
    try {
      return pem(new JcaPKCS8Generator(key, null).generate());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads a CA back from its PEM certificate and PKCS#8 key, checking that they belong together.
   */
  public static CertificateAuthority fromPem(String certificatePem, String keyPem) {
    List<X509Certificate> certs = certificates(certificatePem);
    if (certs.size() != 1) {
      throw new IllegalArgumentException(
          "CA certificate: " + certs.size() + " certificates (expected: exactly 1)");
    }
    PrivateKey key;
    try (PEMParser parser = new PEMParser(new StringReader(keyPem == null ? "" : keyPem))) {
      Object o = parser.readObject();
      if (!(o instanceof PrivateKeyInfo info)) {
        throw new IllegalArgumentException(
            "CA key: "
                + (o == null ? "empty" : o.getClass().getSimpleName())
                + " (expected: PKCS#8 PRIVATE KEY)");
      }
      key = new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "CA key: unreadable PEM (expected: PKCS#8 PRIVATE KEY)", e);
    }
    CertificateAuthority ca = new CertificateAuthority(certs.get(0), key);
    ca.checkKeyMatches();
    return ca;
  }

  private void checkKeyMatches() {
    try {
      var s = java.security.Signature.getInstance(SIGNATURE);
      s.initSign(key);
      byte[] probe = "gantry".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      s.update(probe);
      byte[] sig = s.sign();
      s.initVerify(certificate.getPublicKey());
      s.update(probe);
      if (!s.verify(sig)) {
        throw new IllegalArgumentException(
            "CA key: does not match the certificate (expected: the certificate's private key)");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "CA key: " + e.getMessage() + " (expected: an ECDSA key matching the certificate)", e);
    }
  }

  /** Every certificate in a PEM bundle, in order; an empty or null text is an empty list. */
  public static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    if (pem == null || pem.isBlank()) {
      return out;
    }
    JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder h) {
          out.add(converter.getCertificate(h));
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("certificates: unreadable PEM (expected: X.509 PEM)", e);
    }
    return out;
  }

  public static String pem(Object... objects) {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      for (Object o : objects) {
        pw.writeObject(o);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
      throws OperatorCreationException, GeneralSecurityException {
    return new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder(SIGNATURE).build(signer)));
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ECDSA P-256 key generation is unavailable", e);
    }
  }

  private static BigInteger serial() {
    // Positive 127-bit random serial: unique without state, as RFC 5280 asks of CAs.
    return new BigInteger(127, RANDOM);
  }
}
