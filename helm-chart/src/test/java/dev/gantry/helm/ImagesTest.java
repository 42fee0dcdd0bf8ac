package dev.gantry.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Dockerfiles cannot be built here (no Docker engine), so their contract is checked as text:
 * the JRE 25 base, a numeric non-root user, the JVM flags, the jar the Maven build really produces,
 * the ports the chart uses, and a build context that contains that jar.
 */
class ImagesTest {

  private final ChartFiles files = ChartFiles.fromBuild();

  @ParameterizedTest(name = "{0} image")
  @CsvSource({
    "operator, operator/target/gantry-operator.jar, operator, gantry-operator",
    "proxy, proxy-runtime/target/gantry.jar, proxy-runtime, gantry"
  })
  void dockerfileMatchesTheBuildAndTheChart(
      String image, String jar, String module, String finalName) throws IOException {
    Path dockerfile = files.images().resolve(image).resolve("Dockerfile");
    List<String> instructions = instructions(Files.readAllLines(dockerfile));

    assertThat(instructions.stream().filter(i -> i.startsWith("FROM ")))
        .as("FROM of %s", dockerfile)
        .containsExactly("FROM eclipse-temurin:25-jre");
    assertThat(instructions).as("USER of %s", dockerfile).contains("USER 65532:65532");
    assertThat(instructions.stream().filter(i -> i.startsWith("ENV JAVA_TOOL_OPTIONS=")))
        .singleElement()
        .satisfies(
            env ->
                assertThat(env)
                    .contains("-XX:+ExitOnOutOfMemoryError")
                    .contains("-XX:MaxRAMPercentage=75"));

    String target = "/opt/gantry/" + Path.of(jar).getFileName();
    assertThat(instructions)
        .as("COPY of the Maven-built jar in %s", dockerfile)
        .anySatisfy(i -> assertThat(i).startsWith("COPY ").contains(" " + jar + " " + target));
    assertThat(instructions.stream().filter(i -> i.startsWith("ENTRYPOINT ")))
        .as("ENTRYPOINT of %s", dockerfile)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .startsWith("ENTRYPOINT [\"java\", ")
                    .endsWith("\"-jar\", \"" + target + "\"]"));
    // An AOT cache the entrypoint maps must be one the image build wrote.
    instructions.stream()
        .filter(i -> i.startsWith("ENTRYPOINT ") && i.contains("-XX:AOTCache="))
        .forEach(
            e -> {
              String cache = e.replaceAll(".*-XX:AOTCache=([^\"]+)\".*", "$1");
              assertThat(instructions)
                  .as("RUN that writes %s in %s", cache, dockerfile)
                  .anySatisfy(
                      i ->
                          assertThat(i)
                              .startsWith("RUN ")
                              .contains("-XX:AOTMode=create")
                              .contains("-XX:AOTCache=" + cache));
            });

    // The build context is filtered by <Dockerfile>.dockerignore: it must let the jar through.
    List<String> ignore = Files.readAllLines(dockerfile.resolveSibling("Dockerfile.dockerignore"));
    assertThat(ignore).contains("*", "!" + jar);

    // The jar name is the module's finalName (once the module exists in this tree).
    Path pom = files.repoRoot().resolve(module).resolve("pom.xml");
    if (Files.exists(pom)) {
      assertThat(Files.readString(pom))
          .as("finalName in %s", pom)
          .contains("<finalName>" + finalName + "</finalName>");
    }
  }

  /** The proxy image runs with the collector flags the launcher measured and chose. */
  @org.junit.jupiter.api.Test
  void proxyImageUsesTheLaunchersCollectorFlags() throws IOException {
    String launcher = Files.readString(files.repoRoot().resolve("bin/gantry"));
    Matcher gc = Pattern.compile("gc=\"\\$\\{GANTRY_GC:-([^}]*)}\"").matcher(launcher);
    assertThat(gc.find()).as("gc=\"${GANTRY_GC:-...}\" in bin/gantry").isTrue();
    List<String> flags = Arrays.asList(gc.group(1).trim().split("\\s+"));
    assertThat(flags).contains("-XX:+UseG1GC");
    List<String> instructions =
        instructions(Files.readAllLines(files.images().resolve("proxy").resolve("Dockerfile")));
    assertThat(instructions.stream().filter(i -> i.startsWith("ENV JAVA_TOOL_OPTIONS=")))
        .singleElement()
        .satisfies(
            env ->
                assertThat(env.substring(env.indexOf('=') + 1).replace("\"", " ").split("\\s+"))
                    .containsAll(flags));
  }

  @ParameterizedTest(name = "{0} image name and ports match the chart")
  @CsvSource({"operator", "proxy"})
  void chartReferencesTheImage(String image) throws IOException {
    JsonNode values = RenderedObjects.YAML.readTree(files.chart().resolve("values.yaml").toFile());
    assertThat(values.path(image).path("image").path("repository").asText())
        .isEqualTo("ghcr.io/gantry-dev/gantry-" + image);
    // An empty tag means the chart's appVersion, which images/README.md says is the image tag.
    assertThat(values.path(image).path("image").path("tag").asText()).isEmpty();
    String appVersion =
        RenderedObjects.YAML
            .readTree(files.chart().resolve("Chart.yaml").toFile())
            .path("appVersion")
            .asText();
    String dockerfile = Files.readString(files.images().resolve(image).resolve("Dockerfile"));
    assertThat(dockerfile)
        .contains("ARG VERSION=" + appVersion)
        .contains("gantry-" + image + ":" + appVersion);

    List<String> exposed = exposedPorts(dockerfile);
    if (image.equals("operator")) {
      JsonNode ports = values.path("operator").path("ports");
      assertThat(exposed)
          .containsExactlyInAnyOrder(
              ports.path("snapshot").asText(),
              ports.path("health").asText(),
              ports.path("metrics").asText());
    } else {
      assertThat(exposed).containsExactly("9901");
    }
  }

  /** Dockerfile instructions with comments dropped and continuation lines joined. */
  private static List<String> instructions(List<String> lines) {
    StringBuilder all = new StringBuilder();
    for (String line : lines) {
      String t = line.strip();
      if (t.startsWith("#") || t.isEmpty()) {
        continue;
      }
      if (t.endsWith("\\")) {
        all.append(t, 0, t.length() - 1).append(' ');
      } else {
        all.append(t).append('\n');
      }
    }
    return Arrays.stream(all.toString().split("\n"))
        .map(s -> s.replaceAll("\\s+", " ").strip())
        .toList();
  }

  private static List<String> exposedPorts(String dockerfile) {
    Matcher m = Pattern.compile("(?m)^EXPOSE (.+)$").matcher(dockerfile);
    assertThat(m.find()).as("an EXPOSE instruction").isTrue();
    return List.of(m.group(1).strip().split("\\s+"));
  }
}
