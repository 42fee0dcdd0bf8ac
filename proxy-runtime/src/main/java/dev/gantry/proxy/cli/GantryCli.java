package dev.gantry.proxy.cli;

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
    System.exit(
        new CommandLine(new GantryCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
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
