package dev.gantry.proxy.cli;

import dev.gantry.model.CanonicalJson;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.translator.TranslationResult;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gantry translate DIR}: prints the snapshot each Gateway's proxies would run, as JSON. */
@Command(
    name = "translate",
    mixinStandardHelpOptions = true,
    description =
        "Print the config snapshot of every Gantry Gateway in DIR as JSON (private keys redacted).")
final class TranslateCommand implements Callable<Integer> {

  @Mixin DirectoryArgs args;

  @Option(names = "--show-secrets", description = "Print private keys instead of <redacted>.")
  boolean showSecrets;

  @Override
  public Integer call() {
    TranslationResult result = args.loadAndTranslate(Clock.systemUTC(), System.err);
    if (result == null) {
      return 2;
    }
    Map<String, Object> out = new TreeMap<>();
    result
        .snapshots()
        .forEach(
            (gw, s) -> {
              GatewaySnapshot printed =
                  showSecrets
                      ? s
                      : GatewaySnapshot.of(
                          s.gateway(), s.routing(), s.endpoints(), s.secrets().redacted());
              out.put(gw, Map.of("version", s.version(), "snapshot", printed));
            });
    System.out.println(CanonicalJson.toPrettyJson(out));
    return 0;
  }
}
