package dev.gantry.operator.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {

  static final Instant NOW = Instant.parse("2026-11-28T08:00:00Z");

  @Test
  void theCaIsAP256SelfSignedCaThatSignsOnlyLeaves() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(NOW, Duration.ofDays(365));
    X509Certificate c = ca.certificate();
    assertThat(c.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(((ECPublicKey) c.getPublicKey()).getParams().getCurve().getField().getFieldSize())
        .isEqualTo(256);
    assertThat(c.getSigAlgName()).isEqualTo("SHA256withECDSA");
    c.verify(c.getPublicKey());
    assertThat(c.getBasicConstraints()).as("pathLen 0").isZero();
    assertThat(c.getKeyUsage()[5]).as("keyCertSign").isTrue();
    // A minute of clock skew before, the full lifetime after.
    assertThat(ca.notBefore()).isEqualTo(NOW.minusSeconds(60));
    assertThat(ca.notAfter()).isEqualTo(NOW.plus(Duration.ofDays(365)));
  }

  @Test
  void aServingCertificateChainsToTheCaWithTheRequestedSansForServerAuthOnly() throws Exception {
    CertificateAuthority ca = CertificateAuthority.create(NOW, Duration.ofDays(365));
    ServingCertificate s =
        ca.issue(
            List.of("gantry-operator.gantry-system.svc", "gantry-operator"),
            List.of("10.1.2.3"),
            NOW,
            Duration.ofHours(24));
    X509Certificate leaf = s.leaf();
    leaf.verify(ca.certificate().getPublicKey());
    assertThat(s.chain()).containsExactly(leaf, ca.certificate());
    assertThat(s.issuer()).isEqualTo(ca.certificate());
    assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(leaf.getSubjectAlternativeNames())
        .extracting(san -> san.get(0) + "=" + san.get(1))
        .containsExactly("2=gantry-operator.gantry-system.svc", "2=gantry-operator", "7=10.1.2.3");
    assertThat(s.notAfter()).isEqualTo(NOW.plus(Duration.ofHours(24)));
  }

  @Test
  void aServingCertificateNeverOutlivesItsCa() {
    CertificateAuthority ca = CertificateAuthority.create(NOW, Duration.ofHours(1));
    ServingCertificate s = ca.issue(List.of("op"), List.of(), NOW, Duration.ofHours(24));
    assertThat(s.notAfter()).isEqualTo(ca.notAfter());
  }

  @Test
  void pemRoundTripsAndAForeignKeyIsRefused() {
    CertificateAuthority ca = CertificateAuthority.create(NOW, Duration.ofDays(1));
    CertificateAuthority back = CertificateAuthority.fromPem(ca.certificatePem(), ca.keyPem());
    assertThat(back.certificate()).isEqualTo(ca.certificate());
    assertThat(back.key().getEncoded()).isEqualTo(ca.key().getEncoded());
    assertThat(ca.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");

    CertificateAuthority other = CertificateAuthority.create(NOW, Duration.ofDays(1));
    assertThatThrownBy(() -> CertificateAuthority.fromPem(ca.certificatePem(), other.keyPem()))
        .hasMessage(
            "CA key: does not match the certificate (expected: the certificate's private key)");
    assertThatThrownBy(() -> CertificateAuthority.fromPem(ca.certificatePem(), ca.certificatePem()))
        .hasMessage("CA key: X509CertificateHolder (expected: PKCS#8 PRIVATE KEY)");
  }

  @Test
  void aCertificateWithoutNamesIsRefused() {
    CertificateAuthority ca = CertificateAuthority.create(NOW, Duration.ofDays(1));
    assertThatThrownBy(() -> ca.issue(List.of(), List.of(), NOW, Duration.ofHours(1)))
        .hasMessage("serving certificate SANs: [] (expected: at least one DNS name or IP address)");
  }

  @Test
  void servingNamesCoverEverySpellingOfTheServiceAndThePodIp() {
    OperatorCa.ServingNames n =
        OperatorCa.ServingNames.forAdvertisedHost("gantry-operator.gantry-system.svc", "10.1.2.3");
    assertThat(n.dnsNames())
        .containsExactly(
            "gantry-operator.gantry-system.svc",
            "gantry-operator",
            "gantry-operator.gantry-system",
            "gantry-operator.gantry-system.svc.cluster.local");
    assertThat(n.ipAddresses()).containsExactly("10.1.2.3");
    assertThat(OperatorCa.ServingNames.forAdvertisedHost("127.0.0.1", null).ipAddresses())
        .containsExactly("127.0.0.1");
  }
}
