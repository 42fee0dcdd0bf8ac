package dev.gantry.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.model.SourceRef;
import dev.gantry.model.routing.AppProtocol;
import dev.gantry.model.routing.BackendTls;
import dev.gantry.model.routing.ClientValidation;
import dev.gantry.model.secrets.CaBundle;
import dev.gantry.model.secrets.TlsCertificate;
import dev.gantry.proxy.testing.TestPki;
import dev.gantry.proxy.testing.TestPki.KeyFormat;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslProvider;
import io.netty.pkitesting.CertificateBuilder.Algorithm;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Certificate choice per handshake, trust settings and their caching, without sockets. */
class TlsSelectionTest {
  static final TestPki PKI = new TestPki();
  static final TlsCertificate A = PKI.leaf("a", "a.example", Algorithm.rsa2048, KeyFormat.PKCS8);
  static final TlsCertificate B = PKI.leaf("b", "*.b.example", Algorithm.ecp256, KeyFormat.PKCS8);

  @Test
  void sniPicksTheCertificateWhoseNameCoversItExactOverWildcardElseAll() {
    TlsContextFactory factory = new TlsContextFactory(SslProvider.JDK);
    Set<String> used = new HashSet<>();
    ListenerCertificates lc =
        ListenerCertificates.compile(List.of(A, B), null, null, factory, used);
    SslContext onlyA = factory.context(List.of(A), null, null, null);
    SslContext onlyB = factory.context(List.of(B), null, null, null);
    SslContext both = factory.context(List.of(A, B), null, null, null);
    assertThat(lc.select("a.example")).isSameAs(onlyA);
    assertThat(lc.select("x.b.example")).isSameAs(onlyB);
    // A wildcard covers exactly one label (RFC 6125), and never the bare suffix.
    assertThat(lc.select("y.x.b.example")).isSameAs(both);
    assertThat(lc.select("b.example")).isSameAs(both);
    assertThat(lc.select("")).isSameAs(both);
    assertThat(used).hasSize(3);
  }

  @Test
  void dnsNamesComeFromSubjectAltNames() {
    assertThat(ListenerCertificates.dnsNames(A)).containsExactly("a.example");
    assertThat(ListenerCertificates.dnsNames(B)).containsExactly("*.b.example");
  }

  @Test
  void keyManagerPresentsTheFirstCertificateOfTheRequestedKeyType() throws Exception {
    PrivateKey rsa = TlsContextFactory.privateKey(A.privateKeyPem());
    PrivateKey ec = TlsContextFactory.privateKey(B.privateKeyPem());
    X509Certificate[] rsaChain =
        PemCertificates.parse(A.certificateChainPem()).toArray(new X509Certificate[0]);
    X509Certificate[] ecChain =
        PemCertificates.parse(B.certificateChainPem()).toArray(new X509Certificate[0]);
    KeyTypeKeyManager km = new KeyTypeKeyManager(List.of(rsa, ec), List.of(rsaChain, ecChain));
    assertThat(km.chooseServerAlias("RSA", null, null)).isEqualTo("0");
    assertThat(km.chooseServerAlias("EC", null, null)).isEqualTo("1");
    // OpenSSL-style names qualify EC keys with the issuer's algorithm.
    assertThat(km.chooseEngineServerAlias("EC_RSA", null, null)).isEqualTo("1");
    assertThat(km.chooseServerAlias("EdDSA", null, null)).isNull();
    assertThat(km.getPrivateKey("1")).isSameAs(ec);
    assertThat(km.getCertificateChain("0")).hasSize(2);
    assertThat(km.getCertificateChain("7")).isNull();
  }

  @Test
  void backendNamesMatchExactlyOrByOneLabelWildcard() {
    assertThat(BackendTrustManager.dnsMatches("backend.example", "backend.example")).isTrue();
    assertThat(BackendTrustManager.dnsMatches("*.example", "backend.example")).isTrue();
    assertThat(BackendTrustManager.dnsMatches("*.example", "a.backend.example")).isFalse();
    assertThat(BackendTrustManager.dnsMatches("*.example", "example")).isFalse();
    assertThat(BackendTrustManager.dnsMatches("backend.example", "other.example")).isFalse();
  }

  @Test
  void clientTrustNamesAMissingOrEmptyBundle() {
    ClientValidation v = new ClientValidation(List.of("configmap/ns/ca"), null);
    assertThatThrownBy(() -> ClientTrust.of(v, Map.of()))
        .hasMessage("configmap/ns/ca (expected: a CA bundle in secrets)");
    CaBundle garbage =
        new CaBundle(
            "configmap/ns/ca",
            SourceRef.of("ConfigMap", "ns", "ca"),
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> ClientTrust.of(v, Map.of(garbage.name(), garbage)))
        .hasMessageStartingWith("configmap/ns/ca: ")
        .hasMessageEndingWith("(expected: PEM CA certificates)");
  }

  @Test
  void upstreamTlsIsCachedByContentSoEqualPoliciesShareEndpoints() {
    UpstreamTlsFactory f = new UpstreamTlsFactory(SslProvider.JDK);
    CaBundle ca = new CaBundle("configmap/ns/ca", SourceRef.of("ConfigMap", "ns", "ca"), rootPem());
    BackendTls tls =
        new BackendTls(
            SourceRef.of("BackendTLSPolicy", "ns", "p"),
            "backend.example",
            List.of(ca.name()),
            false,
            List.of());
    Set<String> used = new HashSet<>();
    UpstreamTls first = f.upstream(tls, AppProtocol.HTTP1, Map.of(ca.name(), ca), used);
    UpstreamTls again = f.upstream(tls, AppProtocol.HTTP1, Map.of(ca.name(), ca), used);
    UpstreamTls h2 = f.upstream(tls, AppProtocol.H2C, Map.of(ca.name(), ca), used);
    assertThat(again).isSameAs(first);
    assertThat(h2).isNotEqualTo(first);
    assertThat(first.serverName()).isEqualTo("backend.example");
    assertThat(used).hasSize(2);
  }

  private static String rootPem() {
    return PKI.root.getCertificatePEM();
  }
}
