package dev.gantry.operator.control;

import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.TlsServerCredentials;
import java.util.Optional;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * How the snapshot server protects its streams: TLS with a serving certificate the key manager
 * hands out per handshake (so rotation applies to new connections only) plus token authentication;
 * or, only behind {@code --insecure-control-channel}, plaintext with no authentication, for
 * standalone runs and tests that exercise something other than security.
 */
public final class ControlChannelSecurity {

  private final X509ExtendedKeyManager keyManager;
  private final TokenReviewer reviewer;

  private ControlChannelSecurity(X509ExtendedKeyManager keyManager, TokenReviewer reviewer) {
    this.keyManager = keyManager;
    this.reviewer = reviewer;
  }

  /** Plaintext, unauthenticated: any caller gets any Gateway's snapshot. Never for production. */
  public static ControlChannelSecurity insecure() {
    return new ControlChannelSecurity(null, null);
  }

  public static ControlChannelSecurity tls(
      X509ExtendedKeyManager keyManager, TokenReviewer reviewer) {
    if (keyManager == null || reviewer == null) {
      throw new IllegalArgumentException(
          "control channel security: keyManager and reviewer (expected: both set, or insecure())");
    }
    return new ControlChannelSecurity(keyManager, reviewer);
  }

  public boolean secured() {
    return keyManager != null;
  }

  public ServerCredentials credentials() {
    if (keyManager == null) {
      return InsecureServerCredentials.create();
    }
    // Proxies authenticate with tokens, not client certificates: no client auth at the TLS layer.
    return TlsServerCredentials.newBuilder().keyManager(keyManager).build();
  }

  /** The authentication interceptor, absent when insecure. */
  public Optional<ServerInterceptor> authenticator() {
    return reviewer == null ? Optional.empty() : Optional.of(new ProxyAuthenticator(reviewer));
  }
}
