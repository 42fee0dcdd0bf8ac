package dev.gantry.proxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The server commands are started from a command line of their own (GantryCli#serverCommand). */
class GantryCliTest {

  @Test
  void serverCommandsAloneKeepTheirNameHelpAndVersion() {
    for (String command : new String[] {"standalone", "proxy"}) {
      CommandLine cli = GantryCli.serverCommand(new String[] {command, "--help"});
      assertThat(cli).isNotNull();
      assertThat(cli.getCommandName()).isEqualTo("gantry " + command);
      assertThat(cli.getUsageMessage()).startsWith("Usage: gantry " + command);
      StringWriter out = new StringWriter();
      cli.setOut(new PrintWriter(out));
      assertThat(cli.execute("--version")).isZero();
      assertThat(out.toString()).startsWith("gantry ");
    }
  }

  @Test
  void otherCommandsGoThroughTheWholeTree() {
    assertThat(GantryCli.serverCommand(new String[] {"validate", "x"})).isNull();
    assertThat(GantryCli.serverCommand(new String[] {})).isNull();
  }
}
