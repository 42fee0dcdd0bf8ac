package dev.gantry.proxy;

import static dev.gantry.proxy.testing.ProxyFixture.json;
import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.SourceRef;
import dev.gantry.model.routing.BackendTls;
import dev.gantry.model.routing.BackendTls.SubjectAltName;
import dev.gantry.model.routing.ClientValidation;
import dev.gantry.model.routing.TlsSettings;
import dev.gantry.model.secrets.CaBundle;
import dev.gantry.model.secrets.TlsCertificate;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.TestPki;
import dev.gantry.proxy.testing.TestPki.KeyFormat;
import dev.gantry.proxy.testing.TlsUpstream;
import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.CertificateBuilder.Algorithm;
import io.netty.pkitesting.X509Bundle;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Trust on both sides of the proxy with real TLS peers: several certificates on one listener
 * (chosen by SNI name and by key type), client-certificate validation (Gateway {@code
 * spec.tls.frontend}) in both modes, and TLS to backends (BackendTLSPolicy) with CA, hostname and
 * subjectAltName checks.
 */
@ExtendWith(LeakGuard.class)
class TlsTrustIT {
  static final TestPki PKI = new TestPki();
  static final SourceRef POLICY = SourceRef.of("BackendTLSPolicy", "ns", "secure");

  static ProxyFixture f;
  static X509Bundle clientCa;
  static X509Bundle strangerCa;
  static TlsUpstream backend;

  @BeforeAll
  static void start() throws Exception {
    f = new ProxyFixture();
    clientCa = root("CN=Client CA");
    strangerCa = root("CN=Stranger CA");
    backend =
        new TlsUpstream(
            "secure",
            new CertificateBuilder()
                .subject("CN=backend.example")
                .addSanDnsName("backend.example")
                .addSanUriName("spiffe://cluster.local/ns/ns/sa/backend")
                .addExtendedKeyUsageServerAuth()
                .ecp256()
                .buildIssuedBy(PKI.intermediate));
  }

  @AfterAll
  static void stop() {
    f.close();
    backend.close();
  }

  static X509Bundle root(String subject) throws Exception {
    return new CertificateBuilder()
        .subject(subject)
        .setIsCertificateAuthority(true)
        .ecp256()
        .buildSelfSigned();
  }

  static X509Bundle clientCert(X509Bundle issuer, String cn) throws Exception {
    return new CertificateBuilder()
        .subject("CN=" + cn)
        .addExtendedKeyUsageClientAuth()
        .ecp256()
        .buildIssuedBy(issuer);
  }

  static CaBundle bundle(String name, X509Bundle... cas) {
    StringBuilder pem = new StringBuilder();
    for (X509Bundle ca : cas) {
      pem.append(ca.getCertificatePEM());
    }
    return new CaBundle(
        "configmap/ns/" + name, SourceRef.of("ConfigMap", "ns", name), pem.toString());
  }

  /**
   * A handshaken socket that sends {@code sni}, presents {@code client} (none when null), and
   * limits the TLS 1.2 cipher suites when {@code suites} are given.
   */
  static SSLSocket connect(int port, String sni, X509Bundle client, String... suites)
      throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    KeyManagerFactory kmf = client == null ? null : client.toKeyManagerFactory();
    ctx.init(
        kmf == null ? null : kmf.getKeyManagers(),
        PKI.root.toTrustManagerFactory().getTrustManagers(),
        null);
    Socket raw = new Socket();
    raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(raw, sni, port, true);
    s.setSoTimeout(10_000);
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(sni)));
    p.setEndpointIdentificationAlgorithm("HTTPS");
    p.setApplicationProtocols(new String[] {"http/1.1"});
    if (suites.length > 0) {
      p.setProtocols(new String[] {"TLSv1.2"});
      p.setCipherSuites(suites);
    }
    s.setSSLParameters(p);
    s.startHandshake();
    return s;
  }

  /** The status of a GET over a new connection, or -1 when the TLS peer refused the client. */
  static int status(int port, String sni, X509Bundle client) {
    try (SSLSocket s = connect(port, sni, client);
        RawHttp c = new RawHttp(s)) {
      return c.get(sni, "/").status();
    } catch (Exception e) {
      // javax.net.ssl.SSLException (alert) or a closed socket: the handshake was refused. With TLS
      // 1.3 the client learns of a refused certificate only on its first read.
      return -1;
    }
  }

  // ---------------------------------------------------------------- several certificates

  @Test
  void twoCertificatesOnOneListenerAreChosenBySniName() throws Exception {
    TlsCertificate a = PKI.leaf("a", "a.example", Algorithm.rsa2048, KeyFormat.PKCS8);
    TlsCertificate b = PKI.leaf("b", "*.b.example", Algorithm.ecp256, KeyFormat.TRADITIONAL);
    f.apply(
        f.snap()
            .httpsListener("https", 443, null, new TlsSettings(List.of(a.name(), b.name())), a, b)
            .route("https", "*", prefix("/"), forward("rule/v1", "v1")));
    try (SSLSocket s = connect(f.port(443), "a.example", null)) {
      assertThat(leaf(s).getSubjectX500Principal().getName()).isEqualTo("CN=a.example");
    }
    try (SSLSocket s = connect(f.port(443), "x.b.example", null)) {
      assertThat(leaf(s).getSubjectX500Principal().getName()).isEqualTo("CN=*.b.example");
    }
    assertThat(status(f.port(443), "x.b.example", null)).isEqualTo(200);
    assertThat(status(f.port(443), "a.example", null)).isEqualTo(200);
  }

  @Test
  void rsaAndEcdsaCertificatesForOneNameAreChosenByWhatTheClientAccepts() throws Exception {
    TlsCertificate rsa = PKI.leaf("dual-rsa", "dual.example", Algorithm.rsa2048, KeyFormat.PKCS8);
    TlsCertificate ec = PKI.leaf("dual-ec", "dual.example", Algorithm.ecp256, KeyFormat.PKCS8);
    f.apply(
        f.snap()
            .httpsListener(
                "https",
                443,
                "dual.example",
                new TlsSettings(List.of(rsa.name(), ec.name())),
                rsa,
                ec)
            .route("https", "*", prefix("/"), forward("rule/v1", "v1")));
    try (SSLSocket s =
        connect(f.port(443), "dual.example", null, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")) {
      assertThat(leaf(s).getPublicKey().getAlgorithm()).isEqualTo("EC");
    }
    try (SSLSocket s =
        connect(f.port(443), "dual.example", null, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")) {
      assertThat(leaf(s).getPublicKey().getAlgorithm()).isEqualTo("RSA");
    }
    // A client that accepts both gets the first certificateRef.
    try (SSLSocket s = connect(f.port(443), "dual.example", null)) {
      assertThat(leaf(s).getPublicKey().getAlgorithm()).isIn("RSA", "EC");
      try (RawHttp c = new RawHttp(s)) {
        assertThat(c.get("dual.example", "/").status()).isEqualTo(200);
      }
    }
  }

  private static X509Certificate leaf(SSLSocket s) throws Exception {
    return (X509Certificate) s.getSession().getPeerCertificates()[0];
  }

  // ---------------------------------------------------------------- client certificates

  private void applyClientValidation(ClientValidation.Mode mode) {
    TlsCertificate cert = PKI.leaf("mtls", "mtls.example", Algorithm.ecp256, KeyFormat.PKCS8);
    CaBundle ca = bundle("client-ca", clientCa);
    f.apply(
        f.snap()
            .caBundle(ca)
            .httpsListener(
                "https",
                443,
                null,
                new TlsSettings(
                    List.of(cert.name()), null, new ClientValidation(List.of(ca.name()), mode)),
                cert)
            .route("https", "*", prefix("/"), forward("rule/v1", "v1")));
  }

  @Test
  void allowValidOnlyServesAValidClientCertificateAndRefusesTheRest() throws Exception {
    applyClientValidation(ClientValidation.Mode.ALLOW_VALID_ONLY);
    long before = f.v1.requestCount();
    assertThat(status(f.port(443), "mtls.example", clientCert(clientCa, "alice"))).isEqualTo(200);
    assertThat(f.v1.requestCount()).isEqualTo(before + 1);
    assertThat(status(f.port(443), "mtls.example", null)).isEqualTo(-1);
    assertThat(status(f.port(443), "mtls.example", clientCert(strangerCa, "mallory")))
        .isEqualTo(-1);
    // Neither refused client reached the backend.
    assertThat(f.v1.requestCount()).isEqualTo(before + 1);
  }

  @Test
  void allowInsecureFallbackLetsEveryClientThrough() throws Exception {
    applyClientValidation(ClientValidation.Mode.ALLOW_INSECURE_FALLBACK);
    assertThat(status(f.port(443), "mtls.example", clientCert(clientCa, "alice"))).isEqualTo(200);
    assertThat(status(f.port(443), "mtls.example", null)).isEqualTo(200);
    assertThat(status(f.port(443), "mtls.example", clientCert(strangerCa, "mallory")))
        .isEqualTo(200);
  }

  // ---------------------------------------------------------------- backend TLS

  private RawHttp.Response viaBackendTls(BackendTls tls, CaBundle... bundles) throws IOException {
    var snap =
        f.snap()
            .cluster("secure", backend.port())
            .clusterTls("secure", tls)
            .listener("http", 80, null)
            .route("http", "*", prefix("/"), forward("rule/secure", "secure"));
    for (CaBundle b : bundles) {
      snap.caBundle(b);
    }
    f.apply(snap);
    return f.get(80, "gw.example", "/tls");
  }

  @Test
  void backendTlsVerifiesTheChainAndHostnameAndSendsItAsSni() throws Exception {
    CaBundle ca = bundle("backend-ca", PKI.root);
    int before = backend.requests();
    RawHttp.Response r =
        viaBackendTls(
            new BackendTls(POLICY, "backend.example", List.of(ca.name()), false, List.of()), ca);
    assertThat(r.status()).isEqualTo(200);
    assertThat(json(r).path("name").asText()).isEqualTo("secure");
    assertThat(json(r).path("sni").asText()).isEqualTo("backend.example");
    assertThat(backend.requests()).isEqualTo(before + 1);
  }

  @Test
  void backendWhoseCertificateLacksTheHostnameGets5xxAndNoRequest() throws Exception {
    CaBundle ca = bundle("backend-ca", PKI.root);
    int before = backend.requests();
    RawHttp.Response r =
        viaBackendTls(
            new BackendTls(POLICY, "other.example", List.of(ca.name()), false, List.of()), ca);
    assertThat(r.status()).isBetween(500, 599);
    assertThat(backend.requests()).isEqualTo(before);
  }

  @Test
  void backendSignedByAnotherCaGets5xxAndNoRequest() throws Exception {
    CaBundle wrong = bundle("stranger-ca", strangerCa);
    int before = backend.requests();
    RawHttp.Response r =
        viaBackendTls(
            new BackendTls(POLICY, "backend.example", List.of(wrong.name()), false, List.of()),
            wrong);
    assertThat(r.status()).isBetween(500, 599);
    // The JVM's well-known CAs do not include the test root either.
    r = viaBackendTls(new BackendTls(POLICY, "backend.example", List.of(), true, List.of()));
    assertThat(r.status()).isBetween(500, 599);
    // A policy whose CA references were all invalid trusts nothing.
    r = viaBackendTls(new BackendTls(POLICY, "backend.example", List.of(), false, List.of()));
    assertThat(r.status()).isBetween(500, 599);
    assertThat(backend.requests()).isEqualTo(before);
  }

  @Test
  void subjectAltNamesReplaceTheHostnameCheck() throws Exception {
    CaBundle ca = bundle("backend-ca", PKI.root);
    // SNI is still the hostname, but only the listed SANs authenticate the backend.
    SubjectAltName spiffe =
        new SubjectAltName(SubjectAltName.Type.URI, "spiffe://cluster.local/ns/ns/sa/backend");
    RawHttp.Response ok =
        viaBackendTls(
            new BackendTls(POLICY, "sni-only.example", List.of(ca.name()), false, List.of(spiffe)),
            ca);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(json(ok).path("sni").asText()).isEqualTo("sni-only.example");
    int before = backend.requests();
    SubjectAltName otherDns = new SubjectAltName(SubjectAltName.Type.HOSTNAME, "elsewhere.example");
    RawHttp.Response refused =
        viaBackendTls(
            new BackendTls(POLICY, "backend.example", List.of(ca.name()), false, List.of(otherDns)),
            ca);
    assertThat(refused.status()).isBetween(500, 599);
    assertThat(backend.requests()).isEqualTo(before);
  }
}
