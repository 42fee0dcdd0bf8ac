package dev.gantry.operator;

import dev.gantry.translator.ResourceSnapshot;
import dev.gantry.translator.TranslationResult;
import java.time.Instant;

/**
 * The translator as the operator calls it: {@code GatewayApiTranslator::translate} in production, a
 * hand-built result in tests of the operator's own pieces.
 */
@FunctionalInterface
public interface Translation {
  TranslationResult translate(ResourceSnapshot resources, Instant now);
}
