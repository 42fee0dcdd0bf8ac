package dev.gantry.operator.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Fabric8 mock API server in CRUD mode on loopback, knowing the Gateway API kinds and the
 * Gantry kinds (with status subresources, like the real CRDs), plus a log of the write requests it
 * received so tests can assert how many status writes happened.
 */
public final class MockCluster implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final List<String> seen = new ArrayList<>();

  public MockCluster() {
    List<CustomResourceDefinitionContext> kinds =
        List.of(
            crd("gateway.networking.k8s.io", "v1", "GatewayClass", "gatewayclasses", "Cluster"),
            crd("gateway.networking.k8s.io", "v1", "Gateway", "gateways", "Namespaced"),
            crd("gateway.networking.k8s.io", "v1", "HTTPRoute", "httproutes", "Namespaced"),
            crd(
                "gateway.networking.k8s.io",
                "v1beta1",
                "ReferenceGrant",
                "referencegrants",
                "Namespaced"),
            crd("gantry.dev", "v1alpha1", "GantryProxyConfig", "gantryproxyconfigs", "Namespaced"),
            crd("gantry.dev", "v1alpha1", "RateLimitPolicy", "ratelimitpolicies", "Namespaced"),
            crd("gantry.dev", "v1alpha1", "BackendPolicy", "backendpolicies", "Namespaced"));
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(kinds),
            false);
    try {
      server.init(InetAddress.getByName("127.0.0.1"), 0);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
    client = server.createClient();
  }

  private static CustomResourceDefinitionContext crd(
      String group, String version, String kind, String plural, String scope) {
    return new CustomResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withScope(scope)
        .withName(plural + "." + group)
        .withStatusSubresource(true)
        .build();
  }

  public KubernetesClient client() {
    return client;
  }

  /** A new client to the same server (a second operator replica). */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  /** Every request received since the last call, as "METHOD path". */
  public synchronized List<String> drainRequests() {
    List<String> out = new ArrayList<>();
    try {
      RecordedRequest r;
      while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        out.add(r.getMethod() + " " + r.getPath());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    seen.addAll(out);
    return out;
  }

  /** The status writes (PUT/PATCH of a /status subresource) among {@link #drainRequests()}. */
  public List<String> drainStatusWrites() {
    return drainRequests().stream()
        .filter(r -> (r.startsWith("PUT ") || r.startsWith("PATCH ")) && r.contains("/status"))
        .toList();
  }

  /** Every write (POST/PUT/PATCH/DELETE) except leader-election Lease renewals. */
  public List<String> drainWrites() {
    return drainRequests().stream()
        .filter(r -> !r.startsWith("GET "))
        .filter(r -> !r.contains("/leases"))
        .toList();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
