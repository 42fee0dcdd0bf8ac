package dev.gantry.helm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The helm binary the tests drive. Located, in order, from {@code -Dgantry.helm}, the {@code
 * GANTRY_HELM} environment variable (what {@code .ci/run} exports) and {@code .ci/cache/bin/helm}
 * (where {@code .ci/install-helm} puts it). A missing helm is a failure, not a skip: a CI run that
 * silently skipped the chart tests would pass with a broken chart.
 */
final class Helm implements AutoCloseable {

  /** Bounds every helm call: a hung helm must fail the test, not the CI run's time budget. */
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Path binary;
  private final Path home;

  private Helm(Path binary, Path home) {
    this.binary = binary;
    this.home = home;
  }

  static Helm locate(Path repoRoot) throws IOException {
    List<String> tried = new ArrayList<>();
    String property = System.getProperty("gantry.helm");
    String env = System.getenv("GANTRY_HELM");
    Path cached = repoRoot.resolve(".ci/cache/bin/helm");
    for (String candidate : new String[] {property, env, cached.toString()}) {
      if (candidate == null || candidate.isBlank()) {
        continue;
      }
      Path path = Path.of(candidate).toAbsolutePath().normalize();
      tried.add(path.toString());
      if (Files.isExecutable(path)) {
        // helm keeps caches and repository config under $HOME; a private home keeps the tests
        // independent of
        // whatever the developer's helm has configured (plugins, repositories, registries).
        return new Helm(path, Files.createTempDirectory("gantry-helm-home"));
      }
    }
    throw new AssertionError(
        "helm: not found at "
            + tried
            + " (expected: an executable helm; run .ci/install-helm, or set GANTRY_HELM or"
            + " -Dgantry.helm to a helm binary)");
  }

  Path binary() {
    return binary;
  }

  /** Removes the private helm home (caches, temporary output files). */
  @Override
  public void close() throws IOException {
    try (var paths = Files.walk(home)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binary.toString());
    command.addAll(List.of(args));
    Path out = Files.createTempFile(home, "stdout", ".txt");
    Path err = Files.createTempFile(home, "stderr", ".txt");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("HOME", home.toString());
    builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
    builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
    builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
    // No cluster: helm template/lint must never reach for a kubeconfig.
    builder.environment().put("KUBECONFIG", home.resolve("no-kubeconfig").toString());
    Process process = builder.start();
    if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(
          "helm: " + command + " (expected: to finish within " + TIMEOUT + ")");
    }
    Result result =
        new Result(
            command,
            process.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return result;
  }

  /** One helm invocation's outcome. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {

    /** Fails with everything helm said when it did not exit 0. */
    Result assertSuccess() {
      if (exitCode != 0) {
        throw new AssertionError(
            "helm exit code: "
                + exitCode
                + " (expected: 0) for "
                + command
                + "\n"
                + stderr
                + stdout);
      }
      return this;
    }
  }
}
