package dev.gantry.proxy.cli;

import dev.gantry.proxy.standalone.StatusCheck;
import dev.gantry.translator.TranslationResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code gantry validate DIR}: prints, offline, every object Gantry writes status for, with the
 * status the operator would write, and exits 0 only when all of them are accepted with every
 * reference resolved. A GitOps pre-merge check.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Print, as multi-document YAML, every object Gantry writes status for, with that status.",
      "Exit 0 when all are accepted with all references resolved, 1 otherwise, 2 when DIR cannot be read."
    })
final class ValidateCommand implements Callable<Integer> {

  @Mixin DirectoryArgs args;

  @Override
  public Integer call() {
    TranslationResult result = args.loadAndTranslate(Clock.systemUTC(), System.err);
    if (result == null) {
      return 2;
    }
    List<Object> objects = new ArrayList<>();
    objects.addAll(result.gatewayClasses());
    objects.addAll(result.gateways());
    objects.addAll(result.httpRoutes());
    objects.addAll(result.rateLimitPolicies());
    objects.addAll(result.backendPolicies());
    System.out.print(Yaml.documents(objects));
    List<String> problems = StatusCheck.problems(result);
    if (result.gatewayClasses().isEmpty()) {
      problems = new ArrayList<>(problems);
      problems.add(
          args.dir
              + ": no GatewayClass with controllerName "
              + dev.gantry.translator.GatewayApiTranslator.CONTROLLER_NAME
              + " (expected: at least one, or Gantry serves nothing)");
    }
    problems.forEach(p -> System.err.println("problem: " + p));
    System.err.println(
        problems.isEmpty()
            ? "ok: every object is accepted with all references resolved"
            : problems.size() + " problem(s)");
    return problems.isEmpty() ? 0 : 1;
  }
}
