package dev.gantry.proxy;

import static dev.gantry.proxy.testing.ProxyFixture.backend;
import static dev.gantry.proxy.testing.ProxyFixture.json;
import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static dev.gantry.proxy.testing.Snap.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.model.routing.Rule;
import dev.gantry.model.routing.filter.RequestRedirect;
import dev.gantry.model.secrets.TlsCertificate;
import dev.gantry.proxy.testing.H2TlsClient;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import dev.gantry.proxy.testing.Snap;
import dev.gantry.proxy.testing.TestPki;
import dev.gantry.proxy.testing.TestPki.KeyFormat;
import io.netty.pkitesting.CertificateBuilder.Algorithm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTPS listeners with real TLS clients: SNI selection across exact and wildcard listeners, key
 * formats, ALPN h2, minimum version, the 421 matrix (C18), certificate rotation under load, and the
 * HTTP→HTTPS redirect.
 */
@ExtendWith(LeakGuard.class)
class TlsIT {
  static final TestPki PKI = new TestPki();
  // One certificate per C18 listener, in each key format a Secret may carry.
  static final TlsCertificate EXAMPLE =
      PKI.leaf("example", "example.org", Algorithm.rsa2048, KeyFormat.TRADITIONAL);
  static final TlsCertificate SECOND =
      PKI.leaf("second", "second-example.org", Algorithm.ecp256, KeyFormat.TRADITIONAL);
  static final TlsCertificate WILDCARD =
      PKI.leaf("wildcard", "*.wildcard.org", Algorithm.rsa2048, KeyFormat.PKCS8);
  static final TlsCertificate FOURTH =
      PKI.leaf("fourth", "fourth-example.wildcard.org", Algorithm.ecp256, KeyFormat.PKCS8);

  static ProxyFixture f;

  @BeforeAll
  static void start() {
    f = new ProxyFixture();
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  /** The Gateway of conformance test HTTPRouteHTTPSListener / misdirected requests (C18). */
  static Snap c18(TlsCertificate exampleCert) {
    Rule v1 = forward("rule/v1", "v1");
    Rule v2 = forward("rule/v2", "v2");
    Rule v3 = forward("rule/v3", "v3");
    return f.snap()
        .httpsListener("https", 443, null, exampleCert)
        .httpsListener("https-with-hostname", 443, "second-example.org", SECOND)
        .httpsListener("https-with-wildcard-hostname", 443, "*.wildcard.org", WILDCARD)
        .httpsListener(
            "https-with-hostname-matching-wildcard", 443, "fourth-example.wildcard.org", FOURTH)
        .route("https", "example.org", prefix("/"), v1)
        .route("https-with-hostname", "*", prefix("/"), v2)
        .route("https-with-wildcard-hostname", "*", prefix("/"), v3)
        .route("https-with-hostname-matching-wildcard", "*", prefix("/"), v1);
  }

  private static String subject(X509Certificate c) {
    return c.getSubjectX500Principal().getName();
  }

  private static RawHttp.Response http1(String sni, String host, String path) {
    try (SSLSocket s = PKI.connect(f.port(443), sni);
        RawHttp c = new RawHttp(s)) {
      return c.get(host, path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void sniSelectsTheListenerCertificateExactThenLongestWildcardThenDefault() throws Exception {
    f.apply(c18(EXAMPLE));
    // HTTPRouteHTTPSListener: SNI = Host; the client checks each certificate against its SNI name.
    assertThat(backend(http1("example.org", "example.org", "/"))).isEqualTo("v1");
    assertThat(http1("second-example.org", "second-example.org", "/").status()).isEqualTo(200);
    assertThat(backend(http1("second-example.org", "second-example.org", "/"))).isEqualTo("v2");
    assertThat(backend(http1("third-example.wildcard.org", "third-example.wildcard.org", "/")))
        .isEqualTo("v3");
    // The exact listener beats the wildcard that also covers it.
    assertThat(backend(http1("fourth-example.wildcard.org", "fourth-example.wildcard.org", "/")))
        .isEqualTo("v1");
    try (SSLSocket s = PKI.connect(f.port(443), "fourth-example.wildcard.org")) {
      assertThat(subject((X509Certificate) s.getSession().getPeerCertificates()[0]))
          .isEqualTo("CN=fourth-example.wildcard.org");
      assertThat(s.getSession().getPeerCertificates()).hasSize(2); // leaf + intermediate
    }
    // No SNI, or a name no listener has: the listener without hostname answers.
    try (SSLSocket s = PKI.connect(f.port(443), null)) {
      assertThat(subject((X509Certificate) s.getSession().getPeerCertificates()[0]))
          .isEqualTo("CN=example.org");
    }
    assertThat(http1("example.org", "unknown-example.org", "/").status()).isEqualTo(404);
  }

  @Test
  void unknownSniWithoutADefaultListenerFailsTheHandshake() {
    f.apply(
        f.snap()
            .httpsListener("only", 443, "second-example.org", SECOND)
            .route("only", "*", prefix("/"), forward("rule/v2", "v2")));
    assertThat(backend(http1("second-example.org", "second-example.org", "/"))).isEqualTo("v2");
    // The proxy aborts the handshake; the client sees an alert or a closed socket.
    assertThatThrownBy(() -> PKI.connect(f.port(443), "other.example"))
        .isInstanceOf(UncheckedIOException.class);
  }

  @Test
  void alpnNegotiatesH2IntoTheSameRequestPath() throws Exception {
    f.apply(c18(EXAMPLE));
    try (H2TlsClient c = new H2TlsClient(PKI, f.port(443), "example.org")) {
      assertThat(c.applicationProtocol()).isEqualTo("h2");
      H2TlsClient.Result r = c.get("/alpn", "example.org");
      assertThat(r.status()).isEqualTo(200);
      assertThat(json(r.body()).path("name").asText()).isEqualTo("v1");
      assertThat(json(r.body()).path("path").asText()).isEqualTo("/alpn");
    }
  }

  @Test
  void minimumVersionTls13RefusesTls12() {
    f.apply(
        f.snap()
            .httpsListener("modern", 443, null, EXAMPLE, "TLSv1.3")
            .route("modern", "*", prefix("/"), forward("rule/v1", "v1")));
    try (SSLSocket s = PKI.connect(f.port(443), "example.org", "TLSv1.3")) {
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThatThrownBy(() -> PKI.connect(f.port(443), "example.org", "TLSv1.2"))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(SSLException.class);
    // The default minimum is TLS 1.2: a 1.2-only client still gets in there.
    f.apply(c18(EXAMPLE));
    try (SSLSocket s = PKI.connect(f.port(443), "example.org", "TLSv1.2")) {
      assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.2");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** C18: HTTP/2, one connection per SNI name, requests with other :authority values on it. */
  @Test
  void misdirectedRequestMatrix() throws Exception {
    f.apply(c18(EXAMPLE));
    String[][] matrix = {
      {"example.org", "example.org", "v1"},
      {"example.org", "second-example.org", "421"},
      {"example.org", "unknown-example.org", "404"},
      {"second-example.org", "second-example.org", "v2"},
      {"second-example.org", "example.org", "421"},
      {"second-example.org", "unknown-example.org", "421"},
      {"third-example.wildcard.org", "third-example.wildcard.org", "v3"},
      {"third-example.wildcard.org", "fith-example.wildcard.org", "v3"},
      {"third-example.wildcard.org", "fourth-example.wildcard.org", "421"},
      {"third-example.wildcard.org", "second-example.org", "421"},
      {"third-example.wildcard.org", "unknown-example.org", "421"},
      {"fourth-example.wildcard.org", "fourth-example.wildcard.org", "v1"},
      {"fourth-example.wildcard.org", "fith-example.wildcard.org", "421"},
      {"unknown-example.org", "example.org", "v1"},
      {"unknown-example.org", "unknown-example.org", "404"},
    };
    List<String> failures = new ArrayList<>();
    for (String[] row : matrix) {
      try (H2TlsClient c = new H2TlsClient(PKI, f.port(443), row[0], false)) {
        H2TlsClient.Result r = c.get("/detect-misdirected-requests", row[1]);
        String got =
            r.status() == 200 ? json(r.body()).path("name").asText() : String.valueOf(r.status());
        if (!got.equals(row[2])) {
          failures.add(
              "SNI " + row[0] + " Host " + row[1] + ": " + got + " (expected " + row[2] + ")");
        }
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void httpToHttpsRedirectWithTheStandardFilter() {
    Rule redirect =
        rule("rule/https", List.of(new RequestRedirect("https", null, null, null, 301)), List.of());
    f.apply(c18(EXAMPLE).listener("http", 80, null).route("http", "*", prefix("/"), redirect));
    RawHttp.Response r = f.get(80, "example.org", "/login?next=1");
    assertThat(r.status()).isEqualTo(301);
    assertThat(r.header("location")).isEqualTo("https://example.org/login?next=1");
    assertThat(backend(http1("example.org", "example.org", "/login"))).isEqualTo("v1");
  }

  /**
   * Rotates the default listener's certificate 5 times while 2 threads keep opening new TLS
   * connections (one request each) and long-lived HTTP/1.1 and HTTP/2 connections stay open: no
   * handshake fails, every new connection after a rotation sees the new certificate, and the open
   * connections keep working on the certificate they negotiated.
   */
  @Test
  void certificateRotationUnderLoad() throws Exception {
    f.apply(c18(EXAMPLE));
    SSLSocket h1 = PKI.connect(f.port(443), "example.org");
    RawHttp longLived = new RawHttp(h1);
    X509Certificate before = (X509Certificate) h1.getSession().getPeerCertificates()[0];
    try (H2TlsClient h2 = new H2TlsClient(PKI, f.port(443), "example.org")) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger ok = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      AtomicReference<Throwable> firstFailure = new AtomicReference<>();
      List<Thread> loaders = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread th =
            new Thread(
                () -> {
                  // Bounded: at most 2,000 connections per thread.
                  for (int i = 0; i < 2000 && !stop.get(); i++) {
                    try {
                      if (backend(http1("example.org", "example.org", "/load")).equals("v1")) {
                        ok.incrementAndGet();
                      } else {
                        failed.incrementAndGet();
                      }
                    } catch (RuntimeException e) {
                      firstFailure.compareAndSet(null, e);
                      failed.incrementAndGet();
                    }
                  }
                });
        th.start();
        loaders.add(th);
      }
      TlsCertificate current = EXAMPLE;
      for (int round = 1; round <= 5; round++) {
        int seen = ok.get();
        while (ok.get() < seen + 20 && loaders.get(0).isAlive()) {
          Thread.sleep(5);
        }
        current =
            PKI.leaf(
                "example",
                "example.org",
                round % 2 == 0 ? Algorithm.rsa2048 : Algorithm.ecp256,
                KeyFormat.PKCS8);
        f.apply(c18(current));
        try (SSLSocket s = PKI.connect(f.port(443), "example.org")) {
          X509Certificate served = (X509Certificate) s.getSession().getPeerCertificates()[0];
          assertThat(served.getSerialNumber())
              .as("round %d: a new connection sees the new certificate", round)
              .isEqualTo(certOf(current).getSerialNumber());
        }
        // The long-lived connections keep serving on what they negotiated.
        assertThat(backend(longLived.get("example.org", "/still-open"))).isEqualTo("v1");
        assertThat(h2.get("/still-open", "example.org").status()).isEqualTo(200);
      }
      stop.set(true);
      for (Thread th : loaders) {
        th.join(30_000);
      }
      assertThat(failed.get()).as("failed handshakes or requests: %s", firstFailure.get()).isZero();
      assertThat(ok.get()).isGreaterThan(100);
      assertThat(h2.isOpen()).isTrue();
      assertThat(((X509Certificate) h1.getSession().getPeerCertificates()[0]).getSerialNumber())
          .isEqualTo(before.getSerialNumber());
      System.out.printf(
          "rotation under load: %d new TLS connections, %d failed, 5 rotations%n",
          ok.get(), failed.get());
    } finally {
      longLived.close();
    }
  }

  private static X509Certificate certOf(TlsCertificate c) throws Exception {
    return (X509Certificate)
        java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new java.io.ByteArrayInputStream(
                    c.certificateChainPem().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
  }
}
