package dev.gantry.translator.backend;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.translator.yaml.ResourceYaml;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure endpoints function the translator and the operator's fast path share. */
class EndpointsTranslatorTest {

  static <T> T yaml(String text, Class<T> type) {
    ResourceYaml.Result r = ResourceYaml.parse("test", text);
    assertThat(r.errors()).isEmpty();
    return type.cast(r.objects().getFirst());
  }

  static final Service SERVICE =
      yaml(
          """
          apiVersion: v1
          kind: Service
          metadata: {name: echo, namespace: infra}
          spec:
            ports:
            - {name: http, port: 80, targetPort: web}
            - {name: admin, port: 9000, targetPort: 9001}
          """,
          Service.class);

  static EndpointSlice slice(String name, String endpoints) {
    return yaml(
        """
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
            .formatted(name, endpoints),
        EndpointSlice.class);
  }

  static final EndpointSlice A =
      slice(
          "a",
          """
          - addresses: [10.0.0.2]
            zone: z1
          - addresses: [10.0.0.1]
            conditions: {ready: false, serving: true, terminating: true}
          """);
  static final EndpointSlice B =
      slice("b", "- addresses: [10.0.0.3, 10.0.0.2]\n  conditions: {ready: true}");

  @Test
  void mapsTheServicePortByNameToTheSliceTargetPortWithConditionDefaults() {
    assertThat(
            EndpointsTranslator.endpointsFor("service/infra/echo/80", SERVICE, 80, List.of(A, B))
                .endpoints())
        .containsExactly(
            new Endpoint("10.0.0.1", 8080, false, true, true, null),
            new Endpoint("10.0.0.2", 8080, true, true, false, "z1"),
            new Endpoint("10.0.0.3", 8080, true, true, false, null));
    assertThat(
            EndpointsTranslator.endpointsFor(
                    "service/infra/echo/9000", SERVICE, 9000, List.of(A, B))
                .endpoints())
        .extracting(Endpoint::port)
        .containsOnly(9001);
  }

  @Test
  void anAddressInTwoSlicesIsKeptOnceWhateverTheListOrder() {
    assertThat(EndpointsTranslator.endpointsFor("c", SERVICE, 80, List.of(B, A)))
        .isEqualTo(EndpointsTranslator.endpointsFor("c", SERVICE, 80, List.of(A, B)));
  }

  @Test
  void aMissingServiceOrPortOrSlicePortHasNoEndpoints() {
    assertThat(EndpointsTranslator.endpointsFor("c", null, 80, List.of(A)).endpoints()).isEmpty();
    assertThat(EndpointsTranslator.endpointsFor("c", SERVICE, 81, List.of(A)).endpoints())
        .isEmpty();
    assertThat(EndpointsTranslator.endpointsFor("c", SERVICE, 80, List.of()).endpoints()).isEmpty();
    EndpointSlice unnamedPort =
        yaml(
            """
            apiVersion: discovery.k8s.io/v1
            kind: EndpointSlice
            metadata: {name: u, namespace: infra}
            addressType: IPv4
            ports: [{port: 7000}]
            endpoints: [{addresses: [10.0.0.9]}]
            """,
            EndpointSlice.class);
    // The Service port is named "http"; an unnamed slice port belongs to an unnamed Service port.
    assertThat(EndpointsTranslator.endpointsFor("c", SERVICE, 80, List.of(unnamedPort)).endpoints())
        .isEmpty();
  }
}
