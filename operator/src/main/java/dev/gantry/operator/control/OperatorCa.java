package dev.gantry.operator.control;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.grpc.util.AdvancedTlsX509KeyManager;
import java.net.HttpURLConnection;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One replica's view of the control channel CA: it keeps the CA Secret in its namespace at the
 * state {@link CaRotationPolicy} asks for (creating it when none exists), and keeps this replica's
 * in-memory serving certificate issued by the current CA.
 *
 * <p>Every replica runs this; there is no leader step. Writes are optimistic: a create that meets
 * an existing Secret (409) or an update whose resourceVersion is stale (409) means another replica
 * got there first, so this one re-reads and adopts what it wrote. Since the policy is a function of
 * the stored state and time, the replicas converge on one CA.
 *
 * <p>The serving certificate goes into an {@link AdvancedTlsX509KeyManager} that the gRPC server's
 * TLS context asks on every handshake: a new certificate serves new connections, and open streams
 * keep the session they negotiated.
 */
public final class OperatorCa implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(OperatorCa.class.getName());
  private static final int WRITE_ATTEMPTS = 5;

  private final KubernetesClient client;
  private final String namespace;
  private final String secretName;
  private final CaRotationPolicy policy;
  private final Clock clock;
  private final ServingNames names;
  private final AdvancedTlsX509KeyManager keyManager = new AdvancedTlsX509KeyManager();
  private final List<Consumer<CaState>> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer;

  // Guarded by `this`.
  private CaState state;
  private ServingCertificate serving;

  /**
   * @param names the DNS names and IP addresses proxies may dial this replica by
   */
  public OperatorCa(
      KubernetesClient client,
      String namespace,
      String secretName,
      CaRotationPolicy policy,
      Clock clock,
      ServingNames names) {
    this.client = Objects.requireNonNull(client, "client");
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalArgumentException(
          "CA secret namespace: " + namespace + " (expected: a namespace)");
    }
    if (secretName == null || secretName.isBlank()) {
      throw new IllegalArgumentException(
          "--ca-secret: " + secretName + " (expected: a Secret name)");
    }
    this.namespace = namespace;
    this.secretName = secretName;
    this.policy = Objects.requireNonNull(policy, "policy");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.names = Objects.requireNonNull(names, "names");
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gantry-control-ca");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Brings the Secret and the serving certificate up to date once (synchronously, so the server
   * never starts without a certificate), then every {@code policy.refresh()}.
   */
  public OperatorCa start() {
    refresh();
    long period = policy.refresh().toMillis();
    timer.scheduleWithFixedDelay(this::refreshQuietly, period, period, TimeUnit.MILLISECONDS);
    return this;
  }

  /**
   * Called with the state after every refresh (the bundle publisher compares it with what it last
   * wrote, so an unchanged bundle costs nothing), and at once when a state is already known.
   */
  public void onRefresh(Consumer<CaState> listener) {
    listeners.add(listener);
    CaState s = state();
    if (s != null) {
      listener.accept(s);
    }
  }

  public AdvancedTlsX509KeyManager keyManager() {
    return keyManager;
  }

  public synchronized CaState state() {
    return state;
  }

  public synchronized ServingCertificate serving() {
    return serving;
  }

  /** The trusted CA certificates, PEM; what the proxies' bundle ConfigMap carries. */
  public String bundlePem() {
    CaState s = state();
    return s == null ? "" : s.bundlePem();
  }

  public boolean hasServingCertificate() {
    return serving() != null;
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      // The current serving certificate keeps serving; the next refresh tries again.
      LOG.log(
          System.Logger.Level.WARNING, "control channel CA refresh failed: " + e.getMessage(), e);
    }
  }

  /** One step: read, advance (write, re-reading on conflicts), re-issue when due. */
  public void refresh() {
    CaState stored = converge();
    ServingCertificate issued = null;
    synchronized (this) {
      state = stored;
      Instant now = clock.instant();
      if (policy.needsReissue(serving, stored, now)) {
        issued =
            stored
                .current()
                .issue(names.dnsNames(), names.ipAddresses(), now, policy.servingValidity());
        serving = issued;
      }
    }
    if (issued != null) {
      keyManager.updateIdentityCredentials(
          issued.chain().toArray(X509Certificate[]::new), issued.key());
      LOG.log(
          System.Logger.Level.INFO,
          "snapshot stream serving certificate issued by {0}, valid until {1}",
          issued.issuer().getSubjectX500Principal().getName(),
          issued.notAfter());
    }
    listeners.forEach(l -> l.accept(stored));
  }

  private CaState converge() {
    for (int attempt = 1; ; attempt++) {
      Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
      CaState stored = secret == null ? null : CaState.fromSecret(secret);
      var next = policy.advance(stored, clock.instant());
      if (next.isEmpty()) {
        return stored;
      }
      Secret desired = next.get().toSecret(namespace, secretName);
      try {
        if (secret == null) {
          client.secrets().inNamespace(namespace).resource(desired).create();
          LOG.log(
              System.Logger.Level.INFO,
              "created control channel CA in {0}/{1}",
              namespace,
              secretName);
        } else {
          // The resourceVersion we read: the API server refuses the write if anyone wrote since.
          desired.getMetadata().setResourceVersion(secret.getMetadata().getResourceVersion());
          client.secrets().inNamespace(namespace).resource(desired).update();
          LOG.log(
              System.Logger.Level.INFO,
              "control channel CA step in {0}/{1}: next={2} retired={3}",
              namespace,
              secretName,
              next.get().next() != null,
              next.get().retired() != null);
        }
        return next.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= WRITE_ATTEMPTS) {
          throw e;
        }
        // Another replica wrote first: read what it wrote and see whether a step is still due.
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /**
   * The names proxies may dial a replica by: the snapshot Service's DNS names and the pod IP.
   *
   * @param dnsNames DNS SANs
   * @param ipAddresses IP SANs (textual)
   */
  public record ServingNames(List<String> dnsNames, List<String> ipAddresses) {
    public ServingNames {
      dnsNames = List.copyOf(dnsNames);
      ipAddresses = List.copyOf(ipAddresses);
    }

    /**
     * From the host proxies are told to dial ({@code --snapshot-address}): for a Service host
     * {@code name.namespace.svc} also {@code name}, {@code name.namespace} and {@code
     * name.namespace.svc.cluster.local}, so any of the usual spellings verifies; plus the pod IP.
     */
    public static ServingNames forAdvertisedHost(String host, String podIp) {
      List<String> dns = new java.util.ArrayList<>();
      List<String> ips = new java.util.ArrayList<>();
      if (isIpLiteral(host)) {
        ips.add(host);
      } else {
        dns.add(host);
        if (host.endsWith(".svc")) {
          String[] labels = host.split("\\.");
          if (labels.length == 3) {
            dns.add(labels[0]);
            dns.add(labels[0] + "." + labels[1]);
            dns.add(host + ".cluster.local");
          }
        }
      }
      if (podIp != null && !podIp.isBlank() && !ips.contains(podIp)) {
        ips.add(podIp);
      }
      return new ServingNames(dns, ips);
    }

    private static boolean isIpLiteral(String host) {
      return host.matches("[0-9.]+") || host.contains(":");
    }
  }
}
