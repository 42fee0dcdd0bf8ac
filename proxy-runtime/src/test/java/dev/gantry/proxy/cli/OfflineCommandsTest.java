package dev.gantry.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gantry validate} and {@code gantry translate} as a user runs them: exit codes and what
 * they print.
 */
class OfflineCommandsTest {

  static final Path QUICKSTART = Path.of("..", "examples", "quickstart");

  record Run(int code, String out, String err) {}

  static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new GantryCli()).execute(args);
      return new Run(
          code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void validateAcceptsTheQuickstart() {
    Run r = run("validate", QUICKSTART.toString());
    assertThat(r.err()).contains("ok: every object is accepted");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("kind: GatewayClass")
        .contains("kind: Gateway")
        .contains("kind: HTTPRoute")
        .contains("controllerName: gantry.dev/gateway-controller")
        .contains("reason: Accepted")
        .contains("reason: ResolvedRefs")
        .contains("observedGeneration: 1");
  }

  @Test
  void validateFailsOnAnUnresolvedReferenceAndSaysWhy(@TempDir Path dir) throws Exception {
    copyQuickstart(dir);
    Files.writeString(
        dir.resolve("routes.yaml"),
        Files.readString(dir.resolve("routes.yaml")).replace("name: echo-v2", "name: echo-v3"));
    Run r = run("validate", dir.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("HTTPRoute/default/quickstart")
        .contains("ResolvedRefs=False (BackendNotFound)");
    assertThat(r.out()).contains("reason: BackendNotFound");
  }

  @Test
  void validateRejectsUnreadableYamlWithFileAndLine(@TempDir Path dir) throws Exception {
    copyQuickstart(dir);
    Files.writeString(dir.resolve("broken.yaml"), "kind: HTTPRoute\n  oops: [\n");
    Run r = run("validate", dir.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("broken.yaml");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void translatePrintsOneVersionedSnapshotPerGateway() {
    Run r = run("translate", QUICKSTART.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("\"default/quickstart\"")
        .contains("\"version\"")
        .contains("service/default/echo-v1/80")
        .contains("\"port\" : 9001");
  }

  static void copyQuickstart(Path dir) throws Exception {
    try (var files = Files.list(QUICKSTART)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.toString().endsWith(".yaml")) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
    }
  }
}
