package dev.gantry.proxy.cli;

import dev.gantry.proxy.echo.EchoServer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gantry echo}: a small backend that answers with JSON naming itself and the request it saw.
 */
@Command(
    name = "echo",
    mixinStandardHelpOptions = true,
    description =
        "Run an echo backend: every answer is JSON with its name and the method, path, host and headers it saw.")
final class EchoCommand implements Callable<Integer> {

  @Option(names = "--port", required = true, description = "Port to listen on.")
  int port;

  @Option(names = "--name", required = true, description = "Name reported in every answer.")
  String name;

  @Option(
      names = "--host",
      defaultValue = "0.0.0.0",
      description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host;

  @Override
  public Integer call() throws InterruptedException {
    EchoServer server = EchoServer.start(host, port, name);
    System.err.println("echo backend " + name + " listening on " + host + ":" + server.port());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    stopped.await();
    return 0;
  }
}
