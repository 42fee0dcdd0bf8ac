package dev.gantry.operator;

import picocli.CommandLine;

/** The operator image's entry point; see {@link OperatorCommand} for the flags. */
public final class OperatorMain {

  private OperatorMain() {}

  public static void main(String[] args) {
    // Returns after a shutdown signal has stopped the operator, or at once for --help and errors.
    System.exit(commandLine(new OperatorCommand()).execute(args));
  }

  static CommandLine commandLine(OperatorCommand command) {
    return new CommandLine(command)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(
            (e, cmd, parseResult) -> {
              // Validation errors already say "field: value (expected: rule)": print that,
              // not a stack trace.
              if (e instanceof IllegalArgumentException) {
                cmd.getErr().println(e.getMessage());
                return 2;
              }
              throw e;
            });
  }
}
