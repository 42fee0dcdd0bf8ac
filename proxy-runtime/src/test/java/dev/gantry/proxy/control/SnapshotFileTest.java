package dev.gantry.proxy.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.SourceRef;
import dev.gantry.model.endpoints.EndpointsConfig;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.secrets.SecretsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotFileTest {

  @TempDir Path dir;

  static GatewaySnapshot empty(String name) {
    return GatewaySnapshot.of(
        SourceRef.of("Gateway", "infra", name),
        RoutingConfig.of(List.of(), List.of(), List.of()),
        EndpointsConfig.of(List.of()),
        SecretsConfig.of(List.of()));
  }

  @Test
  void writesAtomicallyAndReadsBack() throws Exception {
    SnapshotFile f = new SnapshotFile(dir.resolve("sub/snapshot.json"));
    f.write(empty("a"));
    f.write(empty("b"));
    assertThat(f.read()).contains(empty("b"));
    try (var files = Files.list(dir.resolve("sub"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("snapshot.json");
    }
  }

  @Test
  void aMissingFileIsNoSnapshot() {
    assertThat(new SnapshotFile(dir.resolve("none.json")).read()).isEmpty();
  }

  @Test
  void aCorruptOrTamperedFileIsIgnoredRatherThanServed() throws Exception {
    Path p = dir.resolve("snapshot.json");
    Files.writeString(p, "{\"schemaVersion\":1,");
    assertThat(new SnapshotFile(p).read()).isEmpty();

    String json = dev.gantry.model.CanonicalJson.toJson(empty("a"));
    GatewaySnapshot s = empty("a");
    String tampered = json.replace(s.routing().version(), "0000000000000000");
    Files.writeString(p, tampered);
    assertThat(new SnapshotFile(p).read()).isEmpty();
  }
}
