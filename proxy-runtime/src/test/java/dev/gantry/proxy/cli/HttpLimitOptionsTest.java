package dev.gantry.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gantry.proxy.hardening.HttpLimits;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code --max-*} / {@code --request-header-timeout} flags of proxy and standalone. */
class HttpLimitOptionsTest {

  static StandaloneCommand standalone(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "standalone";
    all[1] = "dir";
    System.arraycopy(args, 0, all, 2, args.length);
    return (StandaloneCommand)
        new CommandLine(new GantryCli()).parseArgs(all).subcommand().commandSpec().userObject();
  }

  @Test
  void everyFlagReachesTheLimitsAndTheRestKeepTheDefaults() {
    ProxyCommand fleet =
        ProxyCommandTest.parse(
            "proxy",
            "--operator",
            "op:18000",
            "--gateway",
            "a/b",
            "--max-request-headers",
            "20",
            "--max-request-body",
            "16777216",
            "--request-header-timeout",
            "10s",
            "--max-connections",
            "5000",
            "--max-concurrent-streams",
            "64");
    HttpLimits d = HttpLimits.DEFAULTS;
    assertThat(fleet.httpLimits.limits())
        .isEqualTo(
            new HttpLimits(
                20, 16L << 20, 10_000, 5000, 64, d.maxResetsPerWindow(), d.resetWindowSeconds()));

    assertThat(standalone().httpLimits.limits()).isEqualTo(HttpLimits.DEFAULTS);
    assertThat(standalone("--max-request-body", "1Ki").httpLimits.limits())
        .isEqualTo(
            new HttpLimits(
                d.maxHeaderCount(),
                1024,
                d.headerTimeoutMillis(),
                d.maxConnections(),
                d.maxConcurrentStreams(),
                d.maxResetsPerWindow(),
                d.resetWindowSeconds()));
  }

  @Test
  void bodySizesAreBytesOrQuantities() {
    var c = new HttpLimitOptions.ByteSize();
    assertThat(c.convert("512")).isEqualTo(512L);
    assertThat(c.convert("1Ki")).isEqualTo(1024L);
    assertThat(c.convert("16Mi")).isEqualTo(16L << 20);
    assertThat(c.convert("2Gi")).isEqualTo(2L << 30);
    assertThat(c.convert("1k")).isEqualTo(1000L);
    assertThat(c.convert("10M")).isEqualTo(10_000_000L);
    for (String bad : new String[] {"10XB", "0", "0Mi", "-1", "1.5Mi", "Mi", "", "99999999999Ti"}) {
      assertThatThrownBy(() -> c.convert(bad))
          .hasMessage(bad + " (expected: bytes or a quantity like 16Mi, at least 1 byte)");
    }
  }

  @Test
  void aBadValueIsAUsageErrorNamingTheFlagTheValueAndTheRule() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new GantryCli()).setErr(new PrintWriter(err));
    int exit = cli.execute("standalone", "dir", "--max-request-body", "10XB");
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString())
        .contains("'--max-request-body'")
        .contains("10XB (expected: bytes or a quantity like 16Mi, at least 1 byte)");

    assertThatThrownBy(() -> standalone("--max-request-headers", "0"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("'--max-request-headers'")
        .hasMessageContaining("0 (expected: a whole number of at least 1)");
    assertThatThrownBy(() -> standalone("--max-connections", "many"))
        .hasMessageContaining("many (expected: a whole number of at least 1)");
    assertThatThrownBy(() -> standalone("--request-header-timeout", "0s"))
        .hasMessageContaining("0s (expected: a duration greater than zero)");
    assertThatThrownBy(() -> standalone("--request-header-timeout", "ten"))
        .hasMessageContaining("'--request-header-timeout'")
        .hasMessageContaining("(expected: a duration such as 500ms, 5s, 1m30s)");
  }
}
