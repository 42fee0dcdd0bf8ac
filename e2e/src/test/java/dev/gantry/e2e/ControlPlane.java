package dev.gantry.e2e;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * etcd + kube-apiserver on 127.0.0.1 through e2e/controlplane/start and stop (which record and
 * signal only their own PIDs). The state directory survives an API server restart, so clients see
 * the same URL, CA and objects afterwards.
 */
final class ControlPlane implements AutoCloseable {

  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);

  private final E2eEnvironment env;
  private final Path dir;
  private final Path kubeconfig;

  private ControlPlane(E2eEnvironment env, Path dir, Path kubeconfig) {
    this.env = env;
    this.dir = dir;
    this.kubeconfig = kubeconfig;
  }

  static ControlPlane start(E2eEnvironment env, Path dir) {
    String out =
        Commands.run(
            SCRIPT_TIMEOUT,
            Map.of(),
            List.of(env.controlPlaneScript("start").toString(), dir.toString()));
    return new ControlPlane(env, dir, Path.of(Commands.lastLine(out)));
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  Path dir() {
    return dir;
  }

  /** The API server's URL, as the kubeconfig has it. */
  String url() {
    return envValue("GANTRY_KUBE_URL");
  }

  /** PEM of the API server's CA. */
  String caPem() {
    try {
      return Files.readString(Path.of(envValue("GANTRY_KUBE_CA")));
    } catch (IOException e) {
      throw new IllegalStateException("CA of " + dir + ": " + e.getMessage(), e);
    }
  }

  KubernetesClient adminClient() {
    try {
      return new KubernetesClientBuilder()
          .withConfig(Config.fromKubeconfig(Files.readString(kubeconfig)))
          .build();
    } catch (IOException e) {
      throw new IllegalStateException(kubeconfig + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops kube-apiserver only (SIGTERM, etcd keeps running) and starts it again on the same state.
   */
  void restartApiServer() {
    Commands.run(
        SCRIPT_TIMEOUT,
        Map.of("GANTRY_CONTROLPLANE_GRACE", "10"),
        List.of(
            env.controlPlaneScript("stop").toString(),
            "--only",
            "kube-apiserver",
            "--keep",
            dir.toString()));
    Commands.run(
        SCRIPT_TIMEOUT,
        Map.of(),
        List.of(env.controlPlaneScript("start").toString(), dir.toString()));
  }

  private String envValue(String key) {
    try {
      for (String line : Files.readAllLines(dir.resolve("env"))) {
        String prefix = "export " + key + "=";
        if (line.startsWith(prefix)) {
          return line.substring(prefix.length()).strip();
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(dir.resolve("env") + ": " + e.getMessage(), e);
    }
    throw new IllegalStateException(
        dir.resolve("env") + ": no " + key + " (expected: written by start)");
  }

  /** Stops both components and removes the state directory (keeps logs when asked, for CI). */
  @Override
  public void close() {
    Commands.tryRun(
        SCRIPT_TIMEOUT,
        Map.of(),
        List.of(env.controlPlaneScript("stop").toString(), "--keep", dir.toString()));
  }
}
