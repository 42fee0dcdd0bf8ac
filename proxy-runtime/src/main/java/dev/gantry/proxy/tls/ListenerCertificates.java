package dev.gantry.proxy.tls;

import dev.gantry.model.secrets.TlsCertificate;
import io.netty.handler.ssl.SslContext;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * The certificates of one HTTPS listener (its certificateRefs), chosen per handshake. Gateway API
 * lets a listener list several: certificates for different names, or an RSA and an ECDSA one for
 * the same names. The SNI name picks the certificates whose names cover it best (an exact DNS name
 * over a {@code *.} wildcard, which covers one label as in RFC 6125); among those the TLS stack
 * picks by key type ({@link KeyTypeKeyManager}). A name none of them carries gets all of them,
 * first certificateRef first, as with a single certificate.
 *
 * <p>Every context is built when the config is compiled, so a handshake only does two hash lookups.
 */
public final class ListenerCertificates {
  private final Map<String, SslContext> exact;
  private final Map<String, SslContext> wildcard; // ".example.com" for "*.example.com"
  private final SslContext all;

  private ListenerCertificates(
      Map<String, SslContext> exact, Map<String, SslContext> wildcard, SslContext all) {
    this.exact = exact;
    this.wildcard = wildcard;
    this.all = all;
  }

  /** A listener that serves {@code context} for every name. */
  public static ListenerCertificates single(SslContext context) {
    return new ListenerCertificates(Map.of(), Map.of(), context);
  }

  /**
   * Groups {@code certs} by the DNS names they carry and builds one context per group with {@code
   * factory} (cached there). Throws IllegalArgumentException naming a certificate that does not
   * parse.
   */
  public static ListenerCertificates compile(
      List<TlsCertificate> certs,
      String minVersion,
      ClientTrust trust,
      TlsContextFactory factory,
      Set<String> usedKeys) {
    SslContext all = factory.context(certs, minVersion, trust, usedKeys);
    if (certs.size() == 1) {
      return single(all);
    }
    Map<String, List<TlsCertificate>> byName = new LinkedHashMap<>();
    for (TlsCertificate c : certs) {
      for (String name : dnsNames(c)) {
        byName.computeIfAbsent(name, n -> new ArrayList<>()).add(c);
      }
    }
    Map<String, SslContext> exact = new HashMap<>();
    Map<String, SslContext> wildcard = new HashMap<>();
    for (Map.Entry<String, List<TlsCertificate>> e : byName.entrySet()) {
      SslContext ctx =
          e.getValue().size() == certs.size()
              ? all
              : factory.context(e.getValue(), minVersion, trust, usedKeys);
      String name = e.getKey();
      if (name.startsWith("*.")) {
        wildcard.put(name.substring(1), ctx);
      } else {
        exact.put(name, ctx);
      }
    }
    return new ListenerCertificates(Map.copyOf(exact), Map.copyOf(wildcard), all);
  }

  /** The context for a normalised SNI name ({@code ""} when the client sent none). */
  public SslContext select(String sni) {
    if (sni == null || sni.isEmpty() || (exact.isEmpty() && wildcard.isEmpty())) {
      return all;
    }
    SslContext ctx = exact.get(sni);
    if (ctx != null) {
      return ctx;
    }
    int dot = sni.indexOf('.');
    if (dot > 0) {
      ctx = wildcard.get(sni.substring(dot));
      if (ctx != null) {
        return ctx;
      }
    }
    return all;
  }

  /**
   * The DNS names a leaf certificate is valid for, lower-cased: its dNSName SANs, or its CN when it
   * has none (what clients that predate SANs checked).
   */
  static List<String> dnsNames(TlsCertificate cert) {
    X509Certificate leaf = PemCertificates.parse(cert.certificateChainPem()).get(0);
    List<String> names = new ArrayList<>();
    try {
      if (leaf.getSubjectAlternativeNames() != null) {
        for (List<?> san : leaf.getSubjectAlternativeNames()) {
          if (Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String dns) {
            names.add(dns.toLowerCase(Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException(
          cert.name() + ": subjectAltName " + e.getMessage() + " (expected: a parsable SAN)", e);
    }
    if (names.isEmpty()) {
      try {
        for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")) {
            names.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
          }
        }
      } catch (InvalidNameException e) {
        // No usable CN either: the certificate only serves as part of the "all" group.
      }
    }
    return names;
  }
}
