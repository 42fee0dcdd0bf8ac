package dev.gantry.proxy.cli;

import dev.gantry.proxy.server.Transport;
import picocli.CommandLine.Option;

/** The event-loop options shared by {@code gantry proxy} and {@code gantry standalone}. */
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

  @Option(
      names = "--transport",
      // The system property as the default keeps GANTRY_JAVA_OPTS=-Dgantry.transport=… working.
      defaultValue = "${sys:gantry.transport:-auto}",
      paramLabel = "NAME",
      description =
          "Socket transport: auto (io_uring when the kernel and seccomp profile allow it, else"
              + " epoll, else NIO), io_uring, epoll or nio; naming one that cannot load is an error"
              + " (default: auto).")
  String transport;

  int eventLoops() {
    if (eventLoops < 0) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this),
          "--event-loops: " + eventLoops + " (expected: >= 0, 0 = one per CPU)");
    }
    return eventLoops;
  }

  /**
   * Checks {@code --transport} and makes it the process's transport. A process-wide setting rather
   * than a field passed along: every event loop, listener, upstream and health-check connection
   * must use the same one (a channel registers only on a loop of its own transport).
   *
   * @return the transport chosen
   */
  Transport applyTransport() {
    Transport chosen;
    try {
      chosen = Transport.named(transport);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--" + e.getMessage(), e, null, transport);
    }
    System.setProperty(Transport.PROPERTY, transport);
    return chosen;
  }
}
