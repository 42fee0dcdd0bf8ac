package dev.gantry.proxy.tls;

import dev.gantry.model.routing.ClientValidation;
import dev.gantry.model.secrets.CaBundle;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A listener's client-certificate validation, compiled: the trust anchors from its CA bundles and
 * whether a client without a valid certificate is let through (Gateway API {@code
 * AllowInsecureFallback}).
 *
 * @param key identifies anchors and mode, so equal validation shares one server context
 */
public record ClientTrust(String key, List<X509Certificate> anchors, boolean insecureFallback) {

  /** Throws IllegalArgumentException naming a bundle that is missing or holds no certificate. */
  public static ClientTrust of(ClientValidation v, Map<String, CaBundle> bundles) {
    List<X509Certificate> anchors = new ArrayList<>();
    StringBuilder pems = new StringBuilder();
    for (String name : v.caBundles()) {
      CaBundle b = bundles.get(name);
      if (b == null) {
        throw new IllegalArgumentException(name + " (expected: a CA bundle in secrets)");
      }
      try {
        anchors.addAll(PemCertificates.parse(b.certificatesPem()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            name + ": " + e.getMessage() + " (expected: PEM CA certificates)", e);
      }
      pems.append(b.certificatesPem()).append('\0');
    }
    boolean fallback = v.mode() == ClientValidation.Mode.ALLOW_INSECURE_FALLBACK;
    String key =
        dev.gantry.model.ContentHash.ofBytes(pems.toString().getBytes(StandardCharsets.UTF_8))
            + (fallback ? "/fallback" : "/required");
    return new ClientTrust(key, List.copyOf(anchors), fallback);
  }

  /**
   * The trust manager that checks client chains. With insecure fallback the chain is still offered
   * to PKIX, but a failure lets the handshake go on: the spec delegates authorization to the
   * backend in that mode.
   */
  X509TrustManager trustManager() {
    X509TrustManager pkix = PemCertificates.trustManager(anchors);
    return insecureFallback ? new Lenient(pkix) : pkix;
  }

  /** Accepts any client chain; asks for certificates issued by the configured anchors. */
  private static final class Lenient extends X509ExtendedTrustManager {
    private final X509TrustManager pkix;

    Lenient(X509TrustManager pkix) {
      this.pkix = pkix;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      try {
        pkix.checkClientTrusted(chain, authType);
      } catch (CertificateException | RuntimeException e) {
        // AllowInsecureFallback: an invalid certificate is treated like none at all.
      }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
      checkClientTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("server chain: offered to a server trust manager");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      checkServerTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return pkix.getAcceptedIssuers();
    }
  }
}
