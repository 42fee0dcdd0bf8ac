package dev.gantry.proxy.cli;

import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gantry} command line. */
@Command(
    name = "gantry",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Gantry, a Kubernetes-native API gateway.",
    subcommands = {
      StandaloneCommand.class,
      ValidateCommand.class,
      TranslateCommand.class,
      EchoCommand.class,
      ProxyCommand.class,
      TrainCommand.class,
      CommandLine.HelpCommand.class
    })
public final class GantryCli {

  GantryCli() {}

  public static void main(String[] args) {
    if (System.getProperty("java.util.logging.manager") == null) {
      // Before anything touches java.util.logging: keeps the drain's logs alive during shutdown.
      System.setProperty("java.util.logging.manager", "dev.gantry.proxy.cli.GantryLogManager");
    }
    configureLogging();
    // Server commands (standalone, proxy, echo) return only after a shutdown signal has stopped
    // them.
    CommandLine server = serverCommand(args);
    System.exit(
        server != null
            ? server.execute(Arrays.copyOfRange(args, 1, args.length))
            : new CommandLine(new GantryCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .execute(args));
  }

  /**
   * For the two server commands, a command line of just that command; null for anything else.
   * Picocli builds a command's model by reflecting over its annotations: about 180 ms for the whole
   * tree on a cold JVM (picocli's classes are too old a class-file version for the JDK's AOT
   * cache), a fifth of the quickstart's time to ready. The server command alone parses the same
   * arguments; only the name shown in its help and errors needs setting.
   */
  static CommandLine serverCommand(String[] args) {
    if (args.length == 0) {
      return null;
    }
    Object command =
        switch (args[0]) {
          case "standalone" -> new StandaloneCommand();
          case "proxy" -> new ProxyCommand();
          default -> null;
        };
    if (command == null) {
      return null;
    }
    CommandLine cli =
        new CommandLine(command)
            .setCommandName("gantry " + args[0])
            .setCaseInsensitiveEnumValuesAllowed(true);
    // Under the whole tree, --version of a subcommand answers with the top command's provider.
    cli.getCommandSpec().versionProvider(new VersionProvider());
    return cli;
  }

  static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    java.util.logging.ConsoleHandler handler = new java.util.logging.ConsoleHandler();
    handler.setFormatter(new OneLineFormatter());
    handler.setLevel(Level.ALL);
    root.addHandler(handler);
    String level = System.getenv().getOrDefault("GANTRY_LOG_LEVEL", "INFO");
    root.setLevel(Level.parse(level.toUpperCase(java.util.Locale.ROOT)));
    // Netty and friends are chatty at INFO about things users cannot act on.
    Logger.getLogger("io.netty").setLevel(Level.WARNING);
  }
}
