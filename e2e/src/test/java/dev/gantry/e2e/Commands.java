package dev.gantry.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a short command to completion, bounded in time; a non-zero exit fails with its output. */
final class Commands {

  private Commands() {}

  record Result(int exitCode, String output) {}

  static String run(Duration timeout, Map<String, String> env, List<String> command) {
    Result r = tryRun(timeout, env, command);
    if (r.exitCode() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + ": exit " + r.exitCode() + " (expected: 0)\n" + r.output());
    }
    return r.output();
  }

  /** Like {@link #run} but hands back a failing exit code instead of throwing. */
  static Result tryRun(Duration timeout, Map<String, String> env, List<String> command) {
    Path out = null;
    try {
      // Output to a file, not a pipe: a chatty command can never block on a full pipe buffer.
      out = Files.createTempFile("gantry-e2e-cmd", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(
            String.join(" ", command)
                + ": still running after "
                + timeout.toSeconds()
                + " s (expected: done)\n"
                + Files.readString(out, StandardCharsets.UTF_8));
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(String.join(" ", command) + ": interrupted", e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a leftover temp file is harmless
        }
      }
    }
  }

  /** The last non-empty line, where the repository's scripts print their result. */
  static String lastLine(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1].strip();
  }
}
