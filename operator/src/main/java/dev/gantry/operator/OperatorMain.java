package dev.gantry.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * {@code gantry-operator [--grpc-port 18000] [--advertise gantry-operator.gantry-system.svc:18000]
 * [--proxy-image IMAGE] [--lease-namespace NS | --no-leader-election] [--identity POD]}.
 *
 * <p>The Kubernetes client is configured from the environment (in-cluster service account or
 * kubeconfig). Defaults come from the pod's environment: {@code POD_NAMESPACE} for the lease,
 * {@code POD_NAME} for the identity.
 */
public final class OperatorMain {

  private OperatorMain() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> flags = parse(args);
    String podNamespace = System.getenv().getOrDefault("POD_NAMESPACE", "gantry-system");
    int grpcPort = Integer.parseInt(flags.getOrDefault("grpc-port", "18000"));
    String identity =
        flags.getOrDefault(
            "identity",
            System.getenv()
                .getOrDefault("POD_NAME", "gantry-operator-" + ProcessHandle.current().pid()));
    GantryOperator.Options options =
        new GantryOperator.Options(
            new InetSocketAddress(grpcPort),
            flags.getOrDefault("advertise", "gantry-operator." + podNamespace + ".svc:" + grpcPort),
            flags.getOrDefault("proxy-image", "ghcr.io/gantry-dev/gantry:latest"),
            flags.containsKey("no-leader-election")
                ? null
                : flags.getOrDefault("lease-namespace", podNamespace),
            identity,
            Duration.ofSeconds(15),
            Duration.ofMillis(100));
    KubernetesClient client = new KubernetesClientBuilder().build();
    GantryOperator operator = GantryOperator.start(client, options);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  operator.close();
                  client.close();
                  stopped.countDown();
                }));
    stopped.await();
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("argument: " + a + " (expected: --flag [value])");
      }
      String name = a.substring(2);
      if ("no-leader-election".equals(name)) {
        out.put(name, "true");
      } else if (i + 1 < args.length) {
        out.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("--" + name + ": missing (expected: a value)");
      }
    }
    return out;
  }
}
