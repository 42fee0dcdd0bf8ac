package dev.gantry.proxy.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Serves one of several certificates for the same names by key type: the TLS stack asks for a key
 * type the client can verify (from its signature algorithms in TLS 1.3, its cipher suites in TLS
 * 1.2), and the first certificate, in certificateRefs order, with a key of that type is presented.
 * This is how a listener serves an ECDSA certificate to modern clients and an RSA one to the rest.
 */
final class KeyTypeKeyManager extends X509ExtendedKeyManager {
  private final List<PrivateKey> keys;
  private final List<X509Certificate[]> chains;

  KeyTypeKeyManager(List<PrivateKey> keys, List<X509Certificate[]> chains) {
    this.keys = List.copyOf(keys);
    this.chains = List.copyOf(chains);
  }

  /**
   * The key algorithm a TLS stack's key type asks for: the JDK says {@code RSA}, {@code EC}, {@code
   * RSASSA-PSS}, {@code EdDSA}; OpenSSL-style names qualify EC with the issuer's algorithm ({@code
   * EC_EC}, {@code EC_RSA}).
   */
  static String algorithmOf(String keyType) {
    if (keyType == null) {
      return "";
    }
    return keyType.startsWith("EC_") ? "EC" : keyType;
  }

  static String algorithmOf(PrivateKey key) {
    String alg = key.getAlgorithm();
    return alg.equals("ECDSA") ? "EC" : alg;
  }

  private String choose(String keyType) {
    String wanted = algorithmOf(keyType);
    for (int i = 0; i < keys.size(); i++) {
      if (algorithmOf(keys.get(i)).equals(wanted)) {
        return Integer.toString(i);
      }
    }
    return null;
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return choose(keyType);
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return choose(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    List<String> out = new ArrayList<>();
    String wanted = algorithmOf(keyType);
    for (int i = 0; i < keys.size(); i++) {
      if (algorithmOf(keys.get(i)).equals(wanted)) {
        out.add(Integer.toString(i));
      }
    }
    return out.isEmpty() ? null : out.toArray(new String[0]);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    int i = index(alias);
    return i < 0 ? null : chains.get(i).clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    int i = index(alias);
    return i < 0 ? null : keys.get(i);
  }

  private int index(String alias) {
    try {
      int i = Integer.parseInt(alias);
      return i >= 0 && i < keys.size() ? i : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  // A server never presents a client certificate.
  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
