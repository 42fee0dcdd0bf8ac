package dev.gantry.operator.stream;

import static dev.gantry.operator.testing.TestSnapshots.endpoints;
import static dev.gantry.operator.testing.TestSnapshots.routing;
import static dev.gantry.operator.testing.TestSnapshots.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.endpoints.Endpoint;
import dev.gantry.operator.input.EndpointsResolver;
import dev.gantry.operator.testing.ListCaches;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointsFastPathTest {

  static final String ECHO = "service/infra/echo/80";
  static final String OTHER = "service/infra/other/80";

  static ListCaches caches(String address) {
    return new ListCaches()
        .add(
            Serialization.unmarshal(
                """
                apiVersion: v1
                kind: Service
                metadata: {name: echo, namespace: infra}
                spec:
                  ports: [{name: http, port: 80}]
                """),
            Serialization.unmarshal(
                """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: echo-1
                  namespace: infra
                  labels: {kubernetes.io/service-name: echo}
                addressType: IPv4
                ports: [{name: http, port: 3000}]
                endpoints: [{addresses: [%s]}]
                """
                    .formatted(address)));
  }

  @Test
  void onlyGatewaysUsingTheServiceGetANewEndpointsPartAndOnlyItsClustersChange() {
    SnapshotStore store = new SnapshotStore();
    GatewaySnapshot a =
        snapshot(
            "infra", "a", routing("infra", "a", 80, "/", ECHO), endpoints(ECHO, "10.0.0.1:3000"));
    GatewaySnapshot b =
        snapshot(
            "infra", "b", routing("infra", "b", 80, "/", OTHER), endpoints(OTHER, "10.9.9.9:80"));
    store.publish("infra/a", a);
    store.publish("infra/b", b);
    List<GatewaySnapshot> pushedToA = new ArrayList<>();
    List<GatewaySnapshot> pushedToB = new ArrayList<>();
    store.subscribe("infra/a", pushedToA::add);
    store.subscribe("infra/b", pushedToB::add);

    EndpointsFastPath fastPath =
        new EndpointsFastPath(store, new EndpointsResolver(caches("10.0.0.7")));
    assertThat(fastPath.serviceEndpointsChanged("infra", "echo")).isEqualTo(1);

    GatewaySnapshot now = store.get("infra/a").orElseThrow();
    assertThat(now.routing()).isSameAs(a.routing());
    assertThat(now.endpoints().clusters().get(0).endpoints())
        .containsExactly(new Endpoint("10.0.0.7", 3000, true, true, false, null));
    assertThat(pushedToA).hasSize(2).last().isEqualTo(now);
    assertThat(pushedToB).containsExactly(b);

    // The same state again changes nothing and pushes nothing.
    assertThat(fastPath.serviceEndpointsChanged("infra", "echo")).isZero();
    assertThat(pushedToA).hasSize(2);
  }
}
