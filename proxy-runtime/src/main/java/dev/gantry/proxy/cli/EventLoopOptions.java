package dev.gantry.proxy.cli;

import picocli.CommandLine.Option;

/** The event-loop option shared by {@code gantry proxy} and {@code gantry standalone}. */
final class EventLoopOptions {

  @Option(
      names = "--event-loops",
      defaultValue = "0",
      paramLabel = "N",
      description =
          "Event-loop threads serving connections; 0 = one per CPU the JVM may use (in a container:"
              + " its CPU limit). More loops than CPUs only add context switches"
              + " (default: ${DEFAULT-VALUE}).")
  int eventLoops;

  int eventLoops() {
    if (eventLoops < 0) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "--event-loops: " + eventLoops + " (expected: >= 0, 0 = one per CPU)");
    }
    return eventLoops;
  }
}
