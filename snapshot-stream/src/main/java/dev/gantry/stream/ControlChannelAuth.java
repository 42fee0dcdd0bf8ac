package dev.gantry.stream;

import io.grpc.Metadata;

/**
 * How a proxy proves who it is on the snapshot stream: a projected ServiceAccount token bound to
 * {@link #TOKEN_AUDIENCE}, sent as {@code authorization: Bearer <token>} call metadata. Both ends
 * use these constants so the audience the fleet requests, the one the proxy sends and the one the
 * operator's TokenReview demands cannot drift apart.
 */
public final class ControlChannelAuth {

  /**
   * The audience of the proxies' projected tokens. A token minted for the API server (the default
   * audience) is refused, so a token stolen from elsewhere in the cluster does not open the stream,
   * and a proxy's token is useless against the API server.
   */
  public static final String TOKEN_AUDIENCE = "gantry.dev/snapshot-stream";

  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  public static final String BEARER_PREFIX = "Bearer ";

  private ControlChannelAuth() {}
}
