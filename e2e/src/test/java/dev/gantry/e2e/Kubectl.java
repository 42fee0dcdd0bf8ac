package dev.gantry.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** kubectl (built with the API server) as the cluster admin, for applying YAML as a user would. */
record Kubectl(Path binary, Path kubeconfig) {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  String run(String... args) {
    return Commands.run(TIMEOUT, Map.of(), command(args));
  }

  Commands.Result tryRun(String... args) {
    return Commands.tryRun(TIMEOUT, Map.of(), command(args));
  }

  /** Server-side apply of a file or folder, the way the README tells users to install. */
  String apply(Path fileOrDir) {
    return run("apply", "--server-side", "--force-conflicts", "-f", fileOrDir.toString());
  }

  private List<String> command(String... args) {
    List<String> c = new ArrayList<>();
    c.add(binary.toString());
    c.add("--kubeconfig=" + kubeconfig);
    c.addAll(List.of(args));
    return c;
  }
}
