package dev.gantry.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.routing.AppProtocol;
import dev.gantry.model.routing.BackendTls;
import dev.gantry.model.routing.BackendTls.SubjectAltName;
import dev.gantry.model.routing.ClientValidation;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.Listener;
import dev.gantry.model.routing.ListenerProtocol;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.routing.TlsSettings;
import dev.gantry.model.secrets.CaBundle;
import dev.gantry.model.secrets.SecretsConfig;
import dev.gantry.model.secrets.TlsCertificate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Client-certificate validation and backend TLS in the snapshot: additive, checked, stable. */
class TlsTrustConfigTest {

  static final SourceRef GW = GatewaySnapshotTest.GW;
  static final String PEM = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

  static GatewaySnapshot withTrust(String listenerBundle, String clusterBundle) {
    GatewaySnapshot s = GatewaySnapshotTest.sample();
    Listener https =
        new Listener(
            "https",
            GW.withSection("https"),
            8443,
            ListenerProtocol.HTTPS,
            null,
            new TlsSettings(
                List.of("secret/infra/cert"),
                null,
                new ClientValidation(
                    List.of(listenerBundle), ClientValidation.Mode.ALLOW_INSECURE_FALLBACK)),
            List.of());
    Cluster echo =
        new Cluster(
                "service/infra/echo/80",
                SourceRef.of("Service", "infra", "echo"),
                AppProtocol.HTTP1)
            .withTls(
                new BackendTls(
                    SourceRef.of("BackendTLSPolicy", "infra", "echo-tls"),
                    "echo.example.com",
                    List.of(clusterBundle),
                    false,
                    List.of(
                        new SubjectAltName(SubjectAltName.Type.URI, "spiffe://cluster/ns/infra"))));
    RoutingConfig routing =
        RoutingConfig.of(
            List.of(https), s.routing().rules(), List.of(echo, s.routing().clusters().get(1)));
    SecretsConfig secrets =
        SecretsConfig.of(
            List.of(
                new TlsCertificate(
                    "secret/infra/cert",
                    SourceRef.of("Secret", "infra", "cert"),
                    PEM,
                    "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")),
            List.of(
                new CaBundle("configmap/infra/ca", SourceRef.of("ConfigMap", "infra", "ca"), PEM)));
    return GatewaySnapshot.of(GW, routing, s.endpoints(), secrets);
  }

  @Test
  void clientValidationAndBackendTlsRoundTripByteForByte() {
    GatewaySnapshot s = withTrust("configmap/infra/ca", "configmap/infra/ca");
    s.validate();
    String json = CanonicalJson.toJson(s);
    GatewaySnapshot back = CanonicalJson.read(json, GatewaySnapshot.class);
    assertThat(back).isEqualTo(s);
    assertThat(CanonicalJson.toJson(back)).isEqualTo(json);
    assertThat(json).contains("\"mode\":\"ALLOW_INSECURE_FALLBACK\"").contains("\"caBundles\"");
  }

  @Test
  void unknownBundleNamesAreReportedWhereTheyAreUsed() {
    assertThat(withTrust("configmap/infra/nope", "secret/infra/gone").errors())
        .containsExactly(
            "routing.listeners[0].tls.clientValidation.caBundles[0]: configmap/infra/nope"
                + " (expected: the name of a CA bundle in secrets)",
            "routing.clusters[0].tls.caBundles[0]: secret/infra/gone"
                + " (expected: the name of a CA bundle in secrets)");
  }

  @Test
  void secretsWithoutCaBundlesKeepTheirVersion() {
    // The empty list is omitted from the canonical JSON, so every snapshot written before CA
    // bundles existed keeps its hash (no spurious reload when a proxy is upgraded).
    assertThat(SecretsConfig.of(List.of()).version())
        .isEqualTo(new SecretsConfig(null, List.of()).computedVersion());
    assertThat(CanonicalJson.toJson(SecretsConfig.of(List.of()))).doesNotContain("caBundles");
  }

  @Test
  void backendTlsNeedsAHostnameWithoutWildcard() {
    Validator v = new Validator();
    new BackendTls(
            SourceRef.of("BackendTLSPolicy", "a", "b"), "*.x.com", List.of(), true, List.of())
        .validate(v);
    assertThat(v.errors())
        .containsExactly("hostname: *.x.com (expected: a DNS name without wildcard)");
  }
}
