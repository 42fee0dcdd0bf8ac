package dev.gantry.operator.testing;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfoBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Fabric8 mock API server in CRUD mode on loopback, knowing the Gateway API kinds and the
 * Gantry kinds (with status subresources, like the real CRDs), plus a log of the write requests it
 * received so tests can assert how many status writes happened.
 */
public final class MockCluster implements AutoCloseable {

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final List<String> seen = new ArrayList<>();
  private final AtomicInteger reviews = new AtomicInteger();

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
            crd(
                "gateway.networking.k8s.io",
                "v1",
                "BackendTLSPolicy",
                "backendtlspolicies",
                "Namespaced"),
            crd("gantry.dev", "v1alpha1", "GantryProxyConfig", "gantryproxyconfigs", "Namespaced"),
            crd("gantry.dev", "v1alpha1", "RateLimitPolicy", "ratelimitpolicies", "Namespaced"),
            crd("gantry.dev", "v1alpha1", "BackendPolicy", "backendpolicies", "Namespaced"));
    // CRUD for every real resource; expectations (checked first) only for what is not CRUD, such
    // as TokenReview, which the API server answers rather than stores.
    var responses =
        new HashMap<
            io.fabric8.mockwebserver.ServerRequest,
            java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses, kinds),
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

  /**
   * Answers TokenReviews as the API server would for the given tokens: each maps to the
   * ServiceAccount username it was minted for and the audiences it carries; the review's status
   * audiences are the intersection with the requested ones (as the API server returns them). Any
   * other token is not authenticated. Every review is counted in {@link #tokenReviews()}.
   */
  public void answerTokenReviews(Map<String, IssuedToken> tokens) {
    server
        .expect()
        .post()
        .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
        .andReply(
            201,
            request -> {
              reviews.incrementAndGet();
              TokenReview review =
                  Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
              IssuedToken issued = tokens.get(review.getSpec().getToken());
              List<String> wanted =
                  review.getSpec().getAudiences() == null
                      ? List.of()
                      : review.getSpec().getAudiences();
              List<String> granted =
                  issued == null
                      ? List.of()
                      : issued.audiences().stream().filter(wanted::contains).toList();
              TokenReviewStatus status = new TokenReviewStatus();
              if (issued == null || granted.isEmpty()) {
                status.setAuthenticated(false);
                status.setError(
                    issued == null ? "invalid bearer token" : "token audiences are invalid");
              } else {
                status.setAuthenticated(true);
                status.setAudiences(granted);
                status.setUser(new UserInfoBuilder().withUsername(issued.username()).build());
              }
              review.setStatus(status);
              return review;
            })
        .always();
  }

  /** How many TokenReviews reached the server. */
  public int tokenReviews() {
    return reviews.get();
  }

  /**
   * A token as the API server minted it.
   *
   * @param username e.g. {@code system:serviceaccount:infra:gantry-gw}
   * @param audiences the audiences it is valid for
   */
  public record IssuedToken(String username, List<String> audiences) {}

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
