package dev.gantry.proxy.control;

import dev.gantry.stream.ControlChannelAuth;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How the proxy proves the operator is the operator, and itself is a proxy of its Gateway.
 *
 * <p>TLS trusts only the CA bundle file ({@code --control-ca}, the operator's ConfigMap mounted by
 * the fleet), never the system trust store, and checks the operator's host name; the file is
 * re-read when it changes, so a CA rotation reaches the next handshake without a restart. The token
 * ({@code --control-token-file}, a projected ServiceAccount token) is read again on every connect,
 * since the kubelet replaces it before it expires; it is sent only after the handshake has verified
 * the server, so an impostor never sees it.
 *
 * <p>{@link #insecure()} (plaintext, no token) exists for {@code --insecure-control-channel}:
 * standalone runs and tests only.
 */
public final class ControlChannelCredentials implements AutoCloseable {

  /** How often the CA bundle file's modification time is checked. */
  public static final Duration DEFAULT_CA_RELOAD = Duration.ofSeconds(10);

  private static final System.Logger LOG =
      System.getLogger(ControlChannelCredentials.class.getName());

  private final ChannelCredentials credentials;
  private final Path tokenFile;
  private final ScheduledExecutorService reloader;
  private final AdvancedTlsX509TrustManager.Closeable watch;

  private ControlChannelCredentials(
      ChannelCredentials credentials,
      Path tokenFile,
      ScheduledExecutorService reloader,
      AdvancedTlsX509TrustManager.Closeable watch) {
    this.credentials = credentials;
    this.tokenFile = tokenFile;
    this.reloader = reloader;
    this.watch = watch;
  }

  /** Plaintext, no token: the operator must run {@code --insecure-control-channel} as well. */
  public static ControlChannelCredentials insecure() {
    return new ControlChannelCredentials(InsecureChannelCredentials.create(), null, null, null);
  }

  /**
   * TLS trusting only {@code caBundle} (re-read every {@code reload} when it changed), with the
   * token in {@code tokenFile} as bearer credentials.
   *
   * @throws IllegalArgumentException when the bundle cannot be read now (a proxy that cannot verify
   *     the operator must not start as if it could)
   */
  public static ControlChannelCredentials tls(Path caBundle, Path tokenFile, Duration reload) {
    if (tokenFile == null) {
      throw new IllegalArgumentException(
          "--control-token-file: null (expected: a projected token file, or"
              + " --insecure-control-channel)");
    }
    if (caBundle == null) {
      throw new IllegalArgumentException(
          "--control-ca: null (expected: a PEM CA bundle file, or --insecure-control-channel)");
    }
    ScheduledExecutorService reloader =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gantry-control-ca-reload");
              t.setDaemon(true);
              return t;
            });
    try {
      AdvancedTlsX509TrustManager trust =
          AdvancedTlsX509TrustManager.newBuilder()
              .setVerification(
                  AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION)
              .build();
      AdvancedTlsX509TrustManager.Closeable watch =
          trust.updateTrustCredentials(
              caBundle.toFile(), reload.toMillis(), TimeUnit.MILLISECONDS, reloader);
      ChannelCredentials creds = TlsChannelCredentials.newBuilder().trustManager(trust).build();
      return new ControlChannelCredentials(creds, tokenFile, reloader, watch);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      reloader.shutdownNow();
      throw new IllegalArgumentException(
          "--control-ca: "
              + caBundle
              + " (expected: a readable PEM CA bundle; "
              + e.getMessage()
              + ")",
          e);
    }
  }

  public boolean secured() {
    return tokenFile != null;
  }

  public ChannelCredentials channelCredentials() {
    return credentials;
  }

  /**
   * The call metadata for one connect: the current token as {@code authorization: Bearer}; empty
   * metadata when insecure.
   *
   * @throws IOException when the token file cannot be read or is empty (the caller retries later
   *     rather than dialling without a token)
   */
  public Metadata callMetadata() throws IOException {
    Metadata md = new Metadata();
    if (tokenFile == null) {
      return md;
    }
    String token = Files.readString(tokenFile, StandardCharsets.US_ASCII).trim();
    if (token.isEmpty()) {
      throw new IOException("--control-token-file: " + tokenFile + " is empty (expected: a token)");
    }
    md.put(ControlChannelAuth.AUTHORIZATION, ControlChannelAuth.BEARER_PREFIX + token);
    return md;
  }

  @Override
  public void close() {
    if (watch != null) {
      try {
        watch.close();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.DEBUG, "closing the CA bundle watch: " + e);
      }
    }
    if (reloader != null) {
      reloader.shutdownNow();
    }
  }
}
