package dev.gantry.operator.control;

import dev.gantry.stream.ControlChannelAuth;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Authenticates every snapshot stream before its handler starts: the {@code authorization: Bearer}
 * token must pass a {@link TokenReviewer} review, or the call is closed UNAUTHENTICATED and the
 * handler never runs, so not a byte of any snapshot is sent. The reviewed identity travels to the
 * handler in {@link #IDENTITY}, where the Gateway the proxy asks for is checked against it.
 *
 * <p>gRPC runs interceptors on the server's application executor, not a transport event loop, so
 * the (cached) blocking review here stalls no other connection.
 */
public final class ProxyAuthenticator implements ServerInterceptor {

  /** The authenticated caller of the current call; absent on a plaintext (insecure) server. */
  public static final Context.Key<ProxyIdentity> IDENTITY = Context.key("gantry-proxy-identity");

  private static final System.Logger LOG = System.getLogger(ProxyAuthenticator.class.getName());

  private final TokenReviewer reviewer;

  public ProxyAuthenticator(TokenReviewer reviewer) {
    this.reviewer = reviewer;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String header = headers.get(ControlChannelAuth.AUTHORIZATION);
    if (header == null || !header.startsWith(ControlChannelAuth.BEARER_PREFIX)) {
      return refuse(
          call,
          Status.UNAUTHENTICATED.withDescription(
              "authorization: "
                  + (header == null ? "missing" : "not a bearer token")
                  + " (expected: Bearer <projected ServiceAccount token>)"));
    }
    String token = header.substring(ControlChannelAuth.BEARER_PREFIX.length()).trim();
    TokenReviewer.Result result;
    try {
      result = reviewer.review(token);
    } catch (KubernetesClientException e) {
      LOG.log(System.Logger.Level.WARNING, "TokenReview failed: " + e.getMessage());
      return refuse(
          call,
          Status.UNAVAILABLE.withDescription(
              "token review: API server unavailable (expected: retry)"));
    }
    if (result instanceof TokenReviewer.Result.Refused refused) {
      return refuse(
          call,
          Status.UNAUTHENTICATED.withDescription(
              "token: "
                  + refused.reason()
                  + " (expected: a valid token for audience "
                  + ControlChannelAuth.TOKEN_AUDIENCE
                  + ")"));
    }
    ProxyIdentity identity = ((TokenReviewer.Result.Authenticated) result).identity();
    return Contexts.interceptCall(
        Context.current().withValue(IDENTITY, identity), call, headers, next);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
