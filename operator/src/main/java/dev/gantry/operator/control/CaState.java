package dev.gantry.operator.control;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the CA Secret holds: the CA that signs serving certificates now, a next CA that is already
 * trusted (in the bundle) but does not sign yet, and a retired CA that no longer signs but stays
 * trusted until every serving certificate it signed has expired.
 *
 * @param current signs serving certificates
 * @param next trusted, not signing yet (null when no rotation is under way)
 * @param nextSince when {@code next} entered the bundle (null with {@code next})
 * @param retired the previous CA certificate, still trusted (null when none); its key is dropped
 * @param retiredUntil when {@code retired} leaves the bundle (null with {@code retired})
 */
public record CaState(
    CertificateAuthority current,
    CertificateAuthority next,
    Instant nextSince,
    X509Certificate retired,
    Instant retiredUntil) {

  public static final String CA_CRT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String NEXT_CRT = "next-ca.crt";
  public static final String NEXT_KEY = "next-ca.key";
  public static final String RETIRED_CRT = "retired-ca.crt";

  /** Every trusted CA certificate, what the proxies' ConfigMap carries. */
  public static final String BUNDLE = "ca-bundle.crt";

  public static final String NEXT_SINCE_ANNOTATION = "gantry.dev/next-ca-since";
  public static final String RETIRED_UNTIL_ANNOTATION = "gantry.dev/retired-ca-until";

  public CaState {
    Objects.requireNonNull(current, "current");
    if ((next == null) != (nextSince == null)) {
      throw new IllegalArgumentException(
          "nextSince: " + nextSince + " (expected: set exactly when a next CA is)");
    }
    if ((retired == null) != (retiredUntil == null)) {
      throw new IllegalArgumentException(
          "retiredUntil: " + retiredUntil + " (expected: set exactly when a retired CA is)");
    }
  }

  public static CaState of(CertificateAuthority current) {
    return new CaState(current, null, null, null, null);
  }

  /** The trusted certificates: current, then next, then retired. Never a key. */
  public List<X509Certificate> bundle() {
    List<X509Certificate> out = new ArrayList<>();
    out.add(current.certificate());
    if (next != null) {
      out.add(next.certificate());
    }
    if (retired != null) {
      out.add(retired);
    }
    return out;
  }

  public String bundlePem() {
    return CertificateAuthority.pem(bundle().toArray());
  }

  /** This state as the Secret {@code namespace/name}, without a resourceVersion. */
  public Secret toSecret(String namespace, String name) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CRT, b64(current.certificatePem()));
    data.put(CA_KEY, b64(current.keyPem()));
    Map<String, String> annotations = new LinkedHashMap<>();
    if (next != null) {
      data.put(NEXT_CRT, b64(next.certificatePem()));
      data.put(NEXT_KEY, b64(next.keyPem()));
      annotations.put(NEXT_SINCE_ANNOTATION, nextSince.toString());
    }
    if (retired != null) {
      data.put(RETIRED_CRT, b64(CertificateAuthority.pem(retired)));
      annotations.put(RETIRED_UNTIL_ANNOTATION, retiredUntil.toString());
    }
    data.put(BUNDLE, b64(bundlePem()));
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .withLabels(Map.of("app.kubernetes.io/managed-by", "gantry-operator"))
        .withAnnotations(annotations.isEmpty() ? null : annotations)
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  /**
   * Reads a state written by {@link #toSecret}.
   *
   * @throws IllegalArgumentException naming the key that is missing or unreadable
   */
  public static CaState fromSecret(Secret secret) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    Map<String, String> annotations =
        secret.getMetadata().getAnnotations() == null
            ? Map.of()
            : secret.getMetadata().getAnnotations();
    String where =
        "secret " + secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName();
    CertificateAuthority current =
        CertificateAuthority.fromPem(text(data, CA_CRT, where), text(data, CA_KEY, where));
    CertificateAuthority next = null;
    Instant nextSince = null;
    if (data.containsKey(NEXT_CRT)) {
      next = CertificateAuthority.fromPem(text(data, NEXT_CRT, where), text(data, NEXT_KEY, where));
      nextSince = instant(annotations, NEXT_SINCE_ANNOTATION, where);
    }
    X509Certificate retired = null;
    Instant retiredUntil = null;
    if (data.containsKey(RETIRED_CRT)) {
      List<X509Certificate> certs =
          CertificateAuthority.certificates(text(data, RETIRED_CRT, where));
      if (certs.size() != 1) {
        throw new IllegalArgumentException(
            where + " " + RETIRED_CRT + ": " + certs.size() + " certificates (expected: 1)");
      }
      retired = certs.get(0);
      retiredUntil = instant(annotations, RETIRED_UNTIL_ANNOTATION, where);
    }
    return new CaState(current, next, nextSince, retired, retiredUntil);
  }

  /** Same CAs and deadlines (keys follow their certificates). */
  public boolean sameAs(CaState other) {
    return other != null
        && current.certificate().equals(other.current.certificate())
        && Objects.equals(
            next == null ? null : next.certificate(),
            other.next == null ? null : other.next.certificate())
        && Objects.equals(nextSince, other.nextSince)
        && Objects.equals(retired, other.retired)
        && Objects.equals(retiredUntil, other.retiredUntil);
  }

  private static String text(Map<String, String> data, String key, String where) {
    String v = data.get(key);
    if (v == null) {
      throw new IllegalArgumentException(where + " " + key + ": missing (expected: PEM)");
    }
    return new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8);
  }

  private static Instant instant(Map<String, String> annotations, String key, String where) {
    String v = annotations.get(key);
    try {
      return Instant.parse(v);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          where + " annotation " + key + ": " + v + " (expected: an RFC 3339 instant)", e);
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
