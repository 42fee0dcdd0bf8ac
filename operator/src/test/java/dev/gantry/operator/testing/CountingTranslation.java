package dev.gantry.operator.testing;

import dev.gantry.operator.Translation;
import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.ResourceSnapshot;
import dev.gantry.translator.TranslationResult;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real translator, counted (tests assert that an endpoint change or the operator's own status
 * write does not translate again), with one injected failure: a Gateway named "explode" makes it
 * throw, standing in for a translator bug the operator must survive.
 */
public final class CountingTranslation implements Translation {

  private final GatewayApiTranslator translator = new GatewayApiTranslator();
  private final AtomicInteger calls = new AtomicInteger();

  public int calls() {
    return calls.get();
  }

  @Override
  public TranslationResult translate(ResourceSnapshot in, Instant now) {
    calls.incrementAndGet();
    if (in.gateways().stream().anyMatch(g -> g.getMetadata().getName().equals("explode"))) {
      throw new IllegalStateException("translator bug triggered by Gateway explode");
    }
    return translator.translate(in, now);
  }
}
