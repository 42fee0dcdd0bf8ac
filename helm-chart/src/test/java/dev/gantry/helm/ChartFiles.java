package dev.gantry.helm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Paths of the chart under test and of the repository files it must agree with. */
record ChartFiles(Path repoRoot) {

  static ChartFiles fromBuild() {
    // Surefire sets gantry.repoRoot; running the test from an IDE in the module directory works
    // too.
    String root = System.getProperty("gantry.repoRoot", "..");
    return new ChartFiles(Path.of(root).toAbsolutePath().normalize());
  }

  Path chart() {
    return repoRoot.resolve("helm-chart/gantry");
  }

  Path readme() {
    return repoRoot.resolve("helm-chart/README.md");
  }

  Path crds() {
    return repoRoot.resolve("crds");
  }

  Path chartCrdCopy() {
    return chart().resolve("crds-src");
  }

  Path images() {
    return repoRoot.resolve("images");
  }

  /** The values files under ci/ that must install cleanly. */
  List<Path> ciValues() throws IOException {
    return yamlFilesIn(chart().resolve("ci"));
  }

  /** The values files under ci/bad/ that must be refused. */
  List<Path> badValues() throws IOException {
    return yamlFilesIn(chart().resolve("ci/bad"));
  }

  List<Path> templates() throws IOException {
    try (Stream<Path> files = Files.list(chart().resolve("templates"))) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  static List<Path> yamlFilesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().matches(".*\\.ya?ml"))
          .sorted()
          .toList();
    }
  }
}
