package dev.gantry.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the tier finds what it runs: the control plane binaries (GANTRY_E2E_BIN, set by .ci/run
 * from e2e/controlplane/build), helm (GANTRY_HELM or .ci/cache/bin), haproxy (GANTRY_HAPROXY or
 * PATH), the built jars and bin/gantry. Missing pieces skip the tier with a message outside CI and
 * fail it with CI=true, so a CI machine that lost a prerequisite never goes green by running
 * nothing.
 */
record E2eEnvironment(
    Path repoRoot,
    Path controlPlaneBin,
    Path helm,
    Path haproxy,
    Path operatorJar,
    Path gantryScript,
    Path java) {

  static E2eEnvironment detect() {
    Path root = Path.of(System.getProperty("gantry.repoRoot", "..")).toAbsolutePath().normalize();
    List<String> missing = new ArrayList<>();
    Path bin = envPath("GANTRY_E2E_BIN", null);
    if (bin == null || !Files.isExecutable(bin.resolve("kube-apiserver"))) {
      missing.add(
          "GANTRY_E2E_BIN: "
              + bin
              + " (expected: the directory e2e/controlplane/build prints, holding kube-apiserver, etcd"
              + " and kubectl)");
    }
    Path helm = envPath("GANTRY_HELM", root.resolve(".ci/cache/bin/helm"));
    if (!Files.isExecutable(helm)) {
      missing.add("GANTRY_HELM: " + helm + " (expected: the helm binary .ci/install-helm prints)");
    }
    Path haproxy = envPath("GANTRY_HAPROXY", onPath("haproxy"));
    if (haproxy == null || !Files.isExecutable(haproxy)) {
      missing.add(
          "GANTRY_HAPROXY: "
              + haproxy
              + " (expected: the haproxy binary .ci/install-haproxy prints, or haproxy on PATH)");
    }
    Path operatorJar = root.resolve("operator/target/gantry-operator.jar");
    if (!Files.isRegularFile(operatorJar)) {
      missing.add(operatorJar + ": missing (expected: built by ./mvnw package before this tier)");
    }
    Path proxyJar = root.resolve("proxy-runtime/target/gantry.jar");
    if (!Files.isRegularFile(proxyJar)) {
      missing.add(proxyJar + ": missing (expected: built by ./mvnw package before this tier)");
    }
    if (!missing.isEmpty()) {
      String message = "E2E tier cannot run: " + String.join("; ", missing);
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException(message + " (CI=true: a missing prerequisite fails)");
      }
      System.out.println("SKIPPED " + message);
      Assumptions.abort(message);
    }
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new E2eEnvironment(
        root, bin, helm, haproxy, operatorJar, root.resolve("bin/gantry"), java);
  }

  Path kubectl() {
    return controlPlaneBin.resolve("kubectl");
  }

  Path controlPlaneScript(String name) {
    return repoRoot.resolve("e2e/controlplane").resolve(name);
  }

  private static Path envPath(String name, Path fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : Path.of(v);
  }

  private static Path onPath(String binary) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, binary);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    for (String dir : List.of("/usr/sbin", "/usr/local/sbin", "/sbin")) {
      Path p = Path.of(dir, binary);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
