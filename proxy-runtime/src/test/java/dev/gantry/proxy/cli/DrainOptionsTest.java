package dev.gantry.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.proxy.DrainSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code --drain-period} / {@code --drain-timeout}: defaults per command, durations, bad values.
 */
class DrainOptionsTest {

  @Test
  void theFleetsFlagsParseAndTheDefaultsDifferOnlyInThePeriod() {
    ProxyCommand fleet =
        ProxyCommandTest.parse(
            "proxy",
            "--operator",
            "op:18000",
            "--gateway",
            "a/b",
            "--drain-period",
            "5s",
            "--drain-timeout",
            "30s");
    assertThat(fleet.drain.settings(Duration.ofSeconds(5))).isEqualTo(DrainSettings.CLUSTER);

    ProxyCommand plain =
        ProxyCommandTest.parse("proxy", "--operator", "op:18000", "--gateway", "a/b");
    assertThat(plain.drain.settings(DrainSettings.CLUSTER.period()))
        .isEqualTo(new DrainSettings(Duration.ofSeconds(5), Duration.ofSeconds(30)));

    StandaloneCommand standalone =
        (StandaloneCommand)
            new CommandLine(new GantryCli())
                .parseArgs("standalone", "dir", "--drain-period", "1m30s")
                .subcommand()
                .commandSpec()
                .userObject();
    assertThat(standalone.drain.settings(Duration.ZERO))
        .isEqualTo(new DrainSettings(Duration.ofSeconds(90), Duration.ofSeconds(30)));
  }

  @Test
  void durationsInTheCrdFormat() {
    DrainOptions.DurationConverter c = new DrainOptions.DurationConverter();
    assertThat(c.convert("0s")).isEqualTo(Duration.ZERO);
    assertThat(c.convert("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(c.convert("1h2m3s")).isEqualTo(Duration.ofSeconds(3723));
    for (String bad : new String[] {"5", "-1s", "5 s", "PT5S", ""}) {
      assertThatThrownBy(() -> c.convert(bad))
          .as(bad)
          .isInstanceOf(CommandLine.TypeConversionException.class)
          .hasMessageContaining("(expected: a duration such as 500ms, 5s, 1m30s)");
    }
  }

  @Test
  void negativeDurationsAreRejectedByTheSettings() {
    assertThatThrownBy(() -> new DrainSettings(Duration.ofSeconds(-1), Duration.ZERO))
        .hasMessage("drain period: PT-1S (expected: a duration >= 0, e.g. 5s)");
  }
}
