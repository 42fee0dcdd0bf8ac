package dev.gantry.translator;

import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

/**
 * The pure function at the heart of Gantry: Gateway API objects in, per-Gateway snapshots and
 * statuses out.
 *
 * <p>No client, no clock, no I/O: {@code now} is the only notion of time (used for {@code
 * lastTransitionTime} of conditions that changed), so the same input always gives the same output.
 */
public final class GatewayApiTranslator {

  /** The controllerName of the GatewayClasses Gantry serves. */
  public static final String CONTROLLER_NAME = "gantry.dev/gateway-controller";

  public TranslationResult translate(ResourceSnapshot resources, Instant now) {
    // Skeleton: the translation itself lands with the translator work (issue 2).
    return new TranslationResult(new TreeMap<>(), List.of(), List.of(), List.of());
  }
}
