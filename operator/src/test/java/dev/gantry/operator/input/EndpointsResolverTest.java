package dev.gantry.operator.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.operator.testing.ListCaches;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class EndpointsResolverTest {

  static HasMetadata yaml(String y) {
    return Serialization.unmarshal(y);
  }

  static final String SERVICE =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: echo, namespace: infra}
      spec:
        ports:
        - {name: http, port: 80, targetPort: web}
        - {name: admin, port: 9000, targetPort: 9001}
      """;

  static String slice(String name, String endpoints) {
    return """
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %s
          namespace: infra
          labels: {kubernetes.io/service-name: echo}
        addressType: IPv4
        ports:
        - {name: http, port: 8080}
        - {name: admin, port: 9001}
        endpoints:
        %s
        """
        .formatted(name, endpoints);
  }

  /**
   * The mapping itself is tested in the translator (EndpointsTranslatorTest); this checks that the
   * resolver finds the right Service and slices in the caches for a cluster name.
   */
  @Test
  void looksUpTheClustersServiceAndSlicesInTheCaches() {
    ListCaches caches =
        new ListCaches()
            .add(
                yaml(SERVICE),
                yaml(
                    slice(
                        "a",
                        """
                        - addresses: [10.0.0.2]
                          zone: z1
                        - addresses: [10.0.0.1]
                          conditions: {ready: false, serving: true, terminating: true}
                        """)),
                yaml(slice("b", "- addresses: [10.0.0.3, 10.0.0.2]\n  conditions: {ready: true}")));
    EndpointsResolver r = new EndpointsResolver(caches);

    assertThat(r.resolve("service/infra/echo/80"))
        .containsExactly(
            new Endpoint("10.0.0.1", 8080, false, true, true, null),
            new Endpoint("10.0.0.2", 8080, true, true, false, "z1"),
            new Endpoint("10.0.0.3", 8080, true, true, false, null));
    assertThat(r.resolve("service/infra/echo/9000")).extracting(Endpoint::port).containsOnly(9001);
  }

  @Test
  void unknownServicesPortsAndNamesResolveToNoEndpoints() {
    EndpointsResolver r = new EndpointsResolver(new ListCaches().add(yaml(SERVICE)));
    assertThat(r.resolve("service/infra/echo/81")).isEmpty();
    assertThat(r.resolve("service/infra/missing/80")).isEmpty();
    assertThat(r.resolve("service/infra/echo/80")).isEmpty();
    assertThat(r.resolve("not-a-cluster")).isEmpty();
    assertThat(r.resolve("service/infra/echo/http")).isEmpty();
  }
}
