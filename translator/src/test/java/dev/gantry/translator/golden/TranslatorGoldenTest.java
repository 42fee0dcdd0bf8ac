package dev.gantry.translator.golden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.ResourceSnapshot;
import dev.gantry.translator.TranslationResult;
import dev.gantry.translator.yaml.ResourceYaml;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files: {@code golden/<feature>.in.yaml} (merged with {@code golden/base.yaml}) translated
 * with a fixed clock must equal {@code golden/<feature>.out.yaml}. Run with {@code
 * -Dgolden.update=true} to regenerate the out files; the diff is the review.
 */
class TranslatorGoldenTest {

  static final Path DIR = Path.of("src/test/resources/golden");
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  static Stream<String> cases() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".in.yaml"))
          .map(n -> n.substring(0, n.length() - ".in.yaml".length()))
          .sorted()
          .toList()
          .stream();
    }
  }

  /** Base + case objects, parsed strictly: a golden input with a typo fails instead of lying. */
  static List<HasMetadata> load(String feature) throws IOException {
    List<HasMetadata> objects = new ArrayList<>();
    for (String file : List.of("base.yaml", feature + ".in.yaml")) {
      ResourceYaml.Result parsed =
          ResourceYaml.parse(file, Files.readString(DIR.resolve(file), StandardCharsets.UTF_8));
      assertThat(parsed.errors()).as("strict parse of %s", file).isEmpty();
      objects.addAll(parsed.objects());
    }
    return objects;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void translatesAsRecorded(String feature) throws IOException {
    TranslationResult result =
        new GatewayApiTranslator().translate(ResourceSnapshot.of(load(feature)), NOW);
    for (GatewaySnapshot s : result.snapshots().values()) {
      assertThat(s.errors()).as("snapshot %s validates", s.gateway()).isEmpty();
    }
    String actual = GoldenFormat.render(result);
    Path out = DIR.resolve(feature + ".out.yaml");
    if (UPDATE) {
      Files.writeString(out, actual, StandardCharsets.UTF_8);
      return;
    }
    assertThat(out).as("golden file for %s (run with -Dgolden.update=true)", feature).exists();
    assertThat(actual).isEqualTo(Files.readString(out, StandardCharsets.UTF_8));
  }

  @Test
  void thereAreWellOverSixtyPairs() throws IOException {
    assertThat(cases().count()).isGreaterThan(60);
  }
}
