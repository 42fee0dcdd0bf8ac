package dev.gantry.translator.golden;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.model.CanonicalJson;
import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.ResourceSnapshot;
import dev.gantry.translator.TranslationResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The input order must never change the output: every golden input, shuffled three ways, gives
 * byte-identical snapshots, identical content hashes and identical statuses.
 */
class TranslatorDeterminismTest {

  static java.util.stream.Stream<String> cases() throws IOException {
    return TranslatorGoldenTest.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void shuffledInputGivesIdenticalOutput(String feature) throws IOException {
    List<HasMetadata> objects = TranslatorGoldenTest.load(feature);
    TranslationResult reference =
        new GatewayApiTranslator()
            .translate(ResourceSnapshot.of(objects), TranslatorGoldenTest.NOW);
    for (long seed = 1; seed <= 3; seed++) {
      List<HasMetadata> shuffled = new ArrayList<>(objects);
      Collections.shuffle(shuffled, new Random(seed));
      TranslationResult again =
          new GatewayApiTranslator()
              .translate(ResourceSnapshot.of(shuffled), TranslatorGoldenTest.NOW);
      assertThat(again.snapshots().keySet()).isEqualTo(reference.snapshots().keySet());
      for (String key : reference.snapshots().keySet()) {
        assertThat(CanonicalJson.toBytes(again.snapshots().get(key)))
            .isEqualTo(CanonicalJson.toBytes(reference.snapshots().get(key)));
        assertThat(again.snapshots().get(key).version())
            .isEqualTo(reference.snapshots().get(key).version());
      }
      assertThat(GoldenFormat.render(again)).isEqualTo(GoldenFormat.render(reference));
    }
  }
}
