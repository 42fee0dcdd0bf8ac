import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts Fabric8 kube-api-test in offline mode (download disabled) on the binaries that ../build linked into its
 * binary directory, and checks with the Fabric8 client that the server is the version built from source and
 * serves reads and writes. Run by ../kube-api-test-check; arguments: the Kubernetes version (e.g. 1.37.2).
 */
public final class KubeApiTestOfflineCheck {

  private final List<String> failures = new ArrayList<>();
  private int passed;

  public static void main(String[] args) {
    if (args.length != 1 || !args[0].matches("\\d+\\.\\d+\\.\\d+")) {
      throw new IllegalArgumentException(
          "version: " + (args.length == 0 ? "none" : args[0]) + " (expected: one argument like 1.37.2)");
    }
    var check = new KubeApiTestOfflineCheck();
    check.run(args[0]);
    System.out.printf("kube-api-test-check: %d passed, %d failed%n", check.passed, check.failures.size());
    System.exit(check.failures.isEmpty() ? 0 : 1);
  }

  private void run(String version) {
    // Offline mode makes a missing binary directory an error instead of a download: the point of this check.
    var config =
        KubeAPIServerConfigBuilder.anAPIServerConfig()
            .withOfflineMode(true)
            .withApiServerVersion(version)
            .withStartupTimeout(180_000)
            // kube-api-test does not set a bind address: keep the API server on loopback.
            .withApiServerFlag("--bind-address", "127.0.0.1")
            .build();
    System.out.println("kube-api-test dir: " + config.getKubeAPITestDir() + ", version " + version);
    var server = new KubeAPIServer(config);
    // If the check is interrupted (timeout's SIGTERM), still stop the etcd and kube-apiserver processes.
    var stopOnExit = new Thread(server::stop);
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    long started = System.nanoTime();
    server.start();
    System.out.printf("kube-api-test started etcd + kube-apiserver in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    try (KubernetesClient client =
        new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.getKubeConfigYaml())).build()) {
      String gitVersion = client.getKubernetesVersion().getGitVersion();
      expect("server version is v" + version + " (got " + gitVersion + ")", ("v" + version).equals(gitVersion));
      List<String> namespaces =
          client.namespaces().list().getItems().stream().map(Namespace::getMetadata).map(m -> m.getName()).toList();
      expect("namespace default exists (got " + namespaces + ")", namespaces.contains("default"));
      client
          .configMaps()
          .inNamespace("default")
          .resource(new ConfigMapBuilder().withNewMetadata().withName("check").endMetadata().withData(Map.of("k", "v")).build())
          .create();
      var read = client.configMaps().inNamespace("default").withName("check").get();
      expect("a created ConfigMap reads back", read != null && "v".equals(read.getData().get("k")));
    } finally {
      server.stop();
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    }
  }

  private void expect(String what, boolean holds) {
    System.out.println((holds ? "PASS " : "FAIL ") + what);
    if (holds) {
      passed++;
    } else {
      failures.add(what);
    }
  }
}
