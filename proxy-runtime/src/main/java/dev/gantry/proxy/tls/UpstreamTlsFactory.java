package dev.gantry.proxy.tls;

import dev.gantry.model.routing.AppProtocol;
import dev.gantry.model.routing.BackendTls;
import dev.gantry.model.routing.BackendTls.SubjectAltName;
import dev.gantry.model.secrets.CaBundle;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509TrustManager;

/**
 * Client TLS contexts for clusters with a BackendTLSPolicy, cached by content across snapshots (a
 * context is rebuilt only when its CA certificates, names or protocol change).
 */
public final class UpstreamTlsFactory {
  private final SslProvider provider;
  private final Map<String, UpstreamTls> cache = new ConcurrentHashMap<>();

  UpstreamTlsFactory(SslProvider provider) {
    this.provider = provider;
  }

  /**
   * The TLS settings for a cluster's endpoints; ALPN offers {@code h2} for an h2 cluster and {@code
   * http/1.1} otherwise. Throws IllegalArgumentException naming a bundle that does not parse.
   */
  public UpstreamTls upstream(
      BackendTls tls, AppProtocol protocol, Map<String, CaBundle> bundles, Set<String> usedKeys) {
    StringBuilder material = new StringBuilder();
    List<X509Certificate> anchors = new ArrayList<>();
    for (String name : tls.caBundles()) {
      CaBundle b = bundles.get(name);
      if (b == null) {
        throw new IllegalArgumentException(name + " (expected: a CA bundle in secrets)");
      }
      anchors.addAll(PemCertificates.parse(b.certificatesPem()));
      material.append(b.certificatesPem()).append('\0');
    }
    List<SubjectAltName> expected =
        tls.subjectAltNames().isEmpty()
            ? List.of(new SubjectAltName(SubjectAltName.Type.HOSTNAME, tls.hostname()))
            : tls.subjectAltNames();
    boolean h2 = protocol == AppProtocol.H2C;
    material
        .append(tls.systemTrust() ? "system" : "bundles")
        .append('\0')
        .append(tls.hostname())
        .append('\0')
        .append(expected)
        .append('\0')
        .append(h2 ? "h2" : "http/1.1");
    String key =
        dev.gantry.model.ContentHash.ofBytes(material.toString().getBytes(StandardCharsets.UTF_8));
    usedKeys.add(key);
    UpstreamTls cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    X509TrustManager pkix;
    if (tls.systemTrust()) {
      pkix = PemCertificates.trustManager(null);
    } else if (anchors.isEmpty()) {
      pkix = null; // every CA reference was invalid: connections must fail (5xx), not go unchecked
    } else {
      pkix = PemCertificates.trustManager(anchors);
    }
    try {
      SslContext ctx =
          SslContextBuilder.forClient()
              .sslProvider(provider)
              .protocols("TLSv1.3", "TLSv1.2")
              .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
              .trustManager(new BackendTrustManager(pkix, expected))
              // Names are checked by BackendTrustManager with the policy's rules.
              .endpointIdentificationAlgorithm(null)
              .applicationProtocolConfig(
                  new ApplicationProtocolConfig(
                      Protocol.ALPN,
                      SelectorFailureBehavior.NO_ADVERTISE,
                      SelectedListenerFailureBehavior.ACCEPT,
                      List.of(
                          h2
                              ? ApplicationProtocolNames.HTTP_2
                              : ApplicationProtocolNames.HTTP_1_1)))
              .build();
      UpstreamTls built = new UpstreamTls(key, tls.hostname(), ctx);
      cache.put(key, built);
      return built;
    } catch (SSLException e) {
      throw new IllegalArgumentException(
          "tls: " + e.getMessage() + " (expected: a buildable client TLS context)", e);
    }
  }

  void retainOnly(Set<String> keys) {
    cache.keySet().retainAll(keys);
  }
}
