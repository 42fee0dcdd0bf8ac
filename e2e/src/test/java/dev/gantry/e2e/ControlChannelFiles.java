package dev.gantry.e2e;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

/**
 * What the kubelet puts into a fleet pod for the secured control channel, as local files: the CA
 * bundle from the ConfigMap the operator publishes in the fleet's namespace, and a token minted by
 * the TokenRequest API for the fleet's ServiceAccount with the snapshot-stream audience (the
 * projected volume's equivalent). Files are replaced atomically, so a proxy re-reading them never
 * sees half a token or half a bundle.
 */
final class ControlChannelFiles {

  static final String CA_CONFIG_MAP = "gantry-control-ca";
  static final String TOKEN_AUDIENCE = "gantry.dev/snapshot-stream";
  // The shortest expiry the API server allows for a bound token, as the fleet Deployment mounts.
  static final String TOKEN_DURATION = "10m";

  private final String namespace;
  private final String serviceAccount;
  private final Path caFile;
  private final Path tokenFile;

  ControlChannelFiles(String namespace, String serviceAccount, Path dir) {
    this.namespace = namespace;
    this.serviceAccount = serviceAccount;
    this.caFile = dir.resolve(namespace + "-control-ca.crt");
    this.tokenFile = dir.resolve(namespace + "-" + serviceAccount + ".token");
  }

  String namespace() {
    return namespace;
  }

  String serviceAccount() {
    return serviceAccount;
  }

  Path caFile() {
    return caFile;
  }

  Path tokenFile() {
    return tokenFile;
  }

  /** Waits until the operator published the bundle in the namespace and writes it to caFile. */
  ControlChannelFiles writeCaBundle(KubernetesClient admin, Duration timeout) {
    String[] pem = new String[1];
    Await.until(
        "ConfigMap " + namespace + "/" + CA_CONFIG_MAP + " with ca.crt",
        timeout,
        () -> {
          ConfigMap cm = admin.configMaps().inNamespace(namespace).withName(CA_CONFIG_MAP).get();
          pem[0] = cm == null || cm.getData() == null ? null : cm.getData().get("ca.crt");
          return pem[0] != null && pem[0].contains("BEGIN CERTIFICATE");
        });
    writeAtomically(caFile, pem[0]);
    return this;
  }

  /** Mints a fresh token (what the kubelet does at 80 % of its lifetime) into tokenFile. */
  ControlChannelFiles refreshToken(Kubectl kubectl) {
    writeAtomically(tokenFile, mint(kubectl, namespace, serviceAccount, TOKEN_AUDIENCE));
    return this;
  }

  /** A token for any ServiceAccount and audience (null = the API server's default audience). */
  static String mint(Kubectl kubectl, String namespace, String serviceAccount, String audience) {
    String token =
        audience == null
            ? kubectl.run(
                "create", "token", serviceAccount, "-n", namespace, "--duration", TOKEN_DURATION)
            : kubectl.run(
                "create",
                "token",
                serviceAccount,
                "-n",
                namespace,
                "--audience",
                audience,
                "--duration",
                TOKEN_DURATION);
    // stderr is merged into the output: a warning line would precede the token.
    return Commands.lastLine(token).strip();
  }

  static void writeAtomically(Path file, String content) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, content);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
