package dev.gantry.proxy.tls;

import dev.gantry.model.secrets.TlsCertificate;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Builds server {@link SslContext}s from the snapshot's PEM material and keeps them across
 * snapshots: a context is rebuilt only when its certificate, key or minimum version changed, so an
 * endpoint or route change never re-parses keys and a rotated Secret yields a new context that the
 * next handshake picks up (open connections keep the context they negotiated with).
 *
 * <p>OpenSSL (BoringSSL through netty-tcnative) when it loads, JDK TLS otherwise. TLS 1.2 and 1.3
 * only, ECDHE with AEAD ciphers only (the HTTP/2 profile of RFC 7540 §9.2, which is also Mozilla's
 * "intermediate" set), ALPN {@code h2} then {@code http/1.1}. PEM keys may be PKCS#8, PKCS#1
 * ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}); Netty reads the latter two through
 * Bouncy Castle.
 */
public final class TlsContextFactory {
  static final String TLS_1_2 = "TLSv1.2";
  static final String TLS_1_3 = "TLSv1.3";

  private final SslProvider provider;
  private final Map<String, SslContext> cache = new ConcurrentHashMap<>();
  private final UpstreamTlsFactory upstreams;

  public TlsContextFactory() {
    this(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
  }

  public TlsContextFactory(SslProvider provider) {
    this.provider = provider;
    this.upstreams = new UpstreamTlsFactory(provider);
  }

  /** Client contexts for backend TLS, cached like the server contexts. */
  public UpstreamTlsFactory upstreams() {
    return upstreams;
  }

  /** Forgets backend client contexts no cluster of the latest snapshot uses. */
  public void retainUpstreamsOnly(Set<String> keys) {
    upstreams.retainOnly(keys);
  }

  public SslProvider provider() {
    return provider;
  }

  /**
   * The context for a certificate and minimum version ({@code null} = TLSv1.2), from the cache when
   * the material is unchanged. Throws {@link IllegalArgumentException} naming what is wrong.
   */
  public SslContext context(TlsCertificate cert, String minVersion) {
    return context(List.of(cert), minVersion, null, null);
  }

  /**
   * The context serving {@code certs} (several: chosen by key type, {@link KeyTypeKeyManager}) and
   * validating client certificates with {@code trust} (null = none requested). Its cache key is
   * added to {@code usedKeys} when that is not null.
   */
  public SslContext context(
      List<TlsCertificate> certs, String minVersion, ClientTrust trust, Set<String> usedKeys) {
    String key = cacheKey(certs, minVersion, trust);
    if (usedKeys != null) {
      usedKeys.add(key);
    }
    SslContext cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    SslContext built = build(certs, minVersion, trust);
    cache.put(key, built);
    return built;
  }

  /** Forgets contexts no listener of the latest snapshot uses (keys from {@link #cacheKey}). */
  public void retainOnly(Set<String> keys) {
    cache.keySet().retainAll(keys);
  }

  public static String cacheKey(TlsCertificate cert, String minVersion) {
    return cacheKey(List.of(cert), minVersion, null);
  }

  static String cacheKey(List<TlsCertificate> certs, String minVersion, ClientTrust trust) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (TlsCertificate cert : certs) {
        sha.update(cert.certificateChainPem().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(cert.privateKeyPem().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 1);
      }
      return HexFormat.of().formatHex(sha.digest())
          + "/"
          + (minVersion == null ? TLS_1_2 : minVersion)
          + (trust == null ? "" : "/client:" + trust.key());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256: missing (expected: every JDK provides it)", e);
    }
  }

  /**
   * Reads the first private key of a PEM text in any of the forms Secrets carry: PKCS#8 ({@code
   * PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}, possibly after
   * an {@code EC PARAMETERS} block, as {@code openssl ecparam -genkey} writes it).
   */
  static PrivateKey privateKey(String pem) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
        if (o instanceof PEMKeyPair pair) {
          // Only the private half: a SEC1 key may omit its public key.
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
      }
    }
    throw new IllegalArgumentException("no unencrypted private key in the PEM text");
  }

  private static X509Certificate[] chain(TlsCertificate cert) {
    return PemCertificates.parse(cert.certificateChainPem()).toArray(new X509Certificate[0]);
  }

  private static boolean sameKeyType(List<PrivateKey> keys) {
    return keys.stream().map(KeyTypeKeyManager::algorithmOf).distinct().count() == 1;
  }

  private SslContext build(List<TlsCertificate> certs, String minVersion, ClientTrust trust) {
    String[] protocols =
        TLS_1_3.equals(minVersion) ? new String[] {TLS_1_3} : new String[] {TLS_1_3, TLS_1_2};
    String names = certs.stream().map(TlsCertificate::name).toList().toString();
    try {
      List<PrivateKey> keys = new ArrayList<>();
      List<X509Certificate[]> chains = new ArrayList<>();
      for (TlsCertificate cert : certs) {
        keys.add(privateKey(cert.privateKeyPem()));
        chains.add(chain(cert));
      }
      SslContextBuilder b;
      SslProvider p = provider;
      if (certs.size() == 1 || sameKeyType(keys)) {
        // Certificates of one key type for the same names: the first one is always chosen.
        b = SslContextBuilder.forServer(keys.get(0), chains.get(0));
      } else {
        // The JDK asks the key manager once per key type the client accepts; Netty's OpenSSL
        // binding asks for one key type derived from the server's own cipher list, which would
        // hand an ECDSA certificate to an RSA-only client. Mixed key types therefore use JDK TLS.
        b = SslContextBuilder.forServer(new KeyTypeKeyManager(keys, chains));
        p = SslProvider.JDK;
      }
      if (trust != null) {
        b.trustManager(trust.trustManager())
            .clientAuth(trust.insecureFallback() ? ClientAuth.OPTIONAL : ClientAuth.REQUIRE);
      }
      return b.sslProvider(p)
          .protocols(protocols)
          .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .applicationProtocolConfig(
              new ApplicationProtocolConfig(
                  Protocol.ALPN,
                  SelectorFailureBehavior.NO_ADVERTISE,
                  SelectedListenerFailureBehavior.ACCEPT,
                  List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)))
          .build();
    } catch (Exception | LinkageError e) {
      // Never echo key material: the message names the certificate and the parser's complaint.
      throw new IllegalArgumentException(
          names
              + ": "
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : " " + e.getMessage())
              + " (expected: a PEM certificate chain and its matching PKCS#8, PKCS#1 or SEC1 private"
              + " key)",
          e);
    }
  }
}
