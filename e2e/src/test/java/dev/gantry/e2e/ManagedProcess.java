package dev.gantry.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A long-running process this tier started, known by its PID (bin/gantry execs java, so the PID is
 * the JVM's). Signals go to that PID only: {@link #terminate} is SIGTERM, {@link #kill} SIGKILL.
 * Output goes to a log file that failures point at.
 */
final class ManagedProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ManagedProcess start(
      String name, Path logDir, Map<String, String> env, List<String> command) {
    Path log = logDir.resolve(name + ".log");
    try {
      Files.createDirectories(logDir);
      ProcessBuilder pb =
          new ProcessBuilder(new ArrayList<>(command))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      pb.environment().putAll(env);
      Process p = pb.start();
      return new ManagedProcess(name, p, log);
    } catch (IOException e) {
      throw new IllegalStateException(
          name + ": cannot start " + command + ": " + e.getMessage(), e);
    }
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  Path log() {
    return log;
  }

  /** SIGTERM (Process.destroy on Linux), then waits up to {@code seconds} for the exit. */
  boolean terminate(int seconds) {
    process.destroy();
    return waitFor(seconds);
  }

  /** SIGKILL, waited for. */
  void kill() {
    process.destroyForcibly();
    waitFor(30);
  }

  boolean waitFor(int seconds) {
    try {
      return process.waitFor(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Graceful first, SIGKILL after 10 s: the tier never leaves a process behind. */
  @Override
  public void close() {
    if (process.isAlive() && !terminate(10)) {
      kill();
    }
  }
}
