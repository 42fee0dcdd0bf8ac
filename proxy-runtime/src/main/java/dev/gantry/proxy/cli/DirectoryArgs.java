package dev.gantry.proxy.cli;

import dev.gantry.proxy.standalone.LoadedResources;
import dev.gantry.proxy.standalone.ResourceDirectory;
import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.ResourceSnapshot;
import dev.gantry.translator.TranslationResult;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Parameters;

/**
 * The {@code DIR} argument shared by the offline commands, and the load-and-translate step they
 * share.
 */
final class DirectoryArgs {

  @Parameters(
      index = "0",
      paramLabel = "DIR",
      description = "Folder of Kubernetes YAML (any nesting, multi-document files).")
  Path dir;

  /**
   * Loads and translates {@code dir}; prints load errors to {@code err} and returns null when there
   * are any.
   */
  TranslationResult loadAndTranslate(Clock clock, PrintStream err) {
    LoadedResources loaded = new ResourceDirectory(dir, clock).load();
    if (!loaded.ok()) {
      err.println("error: " + dir + " cannot be read as Kubernetes objects:");
      loaded.errors().forEach(e -> err.println("  " + e));
      return null;
    }
    return new GatewayApiTranslator()
        .translate(ResourceSnapshot.of(loaded.objects()), clock.instant());
  }
}
