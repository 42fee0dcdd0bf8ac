package dev.gantry.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Redis for rate-limit tests. {@link #sharedUrl()} is the server {@code .ci/run} starts (env {@code
 * GANTRY_TEST_REDIS}); tests fail, not skip, without it. {@link Owned} is a redis-server child
 * process on an ephemeral loopback port for tests that kill Redis: they must never kill the shared
 * one.
 */
public final class RedisServers {
  public static final String ENV = "GANTRY_TEST_REDIS";

  private RedisServers() {}

  public static String sharedUrl() {
    String url = System.getenv(ENV);
    if (url == null || url.isBlank()) {
      throw new AssertionError(
          ENV
              + ": unset (expected: the URL of a running Redis, e.g. redis://127.0.0.1:6379; run"
              + " .ci/run, or start `redis-server --port 6379 --save '' --appendonly no` and"
              + " export "
              + ENV
              + ")");
    }
    return url;
  }

  /** True when a Redis answers PING on host:port within a short timeout. */
  public static boolean ping(String host, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 200);
      s.setSoTimeout(500);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      return new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  /** A redis-server this test started; stopped by its own PID only. */
  public static final class Owned implements AutoCloseable {
    private final int port;
    private final Path dir;
    private Process process;

    public Owned() throws IOException {
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      dir = Files.createTempDirectory("gantry-redis");
      start();
    }

    public String url() {
      return "redis://127.0.0.1:" + port;
    }

    public int port() {
      return port;
    }

    public synchronized void start() throws IOException {
      String binary = System.getenv().getOrDefault("GANTRY_REDIS_SERVER", "redis-server");
      try {
        process =
            new ProcessBuilder(
                    List.of(
                        binary,
                        "--port",
                        String.valueOf(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        dir.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
      } catch (IOException e) {
        throw new AssertionError(
            "redis-server: not startable ("
                + e.getMessage()
                + ") (expected: redis-server on PATH; run .ci/run or apt-get install"
                + " redis-server)",
            e);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!ping("127.0.0.1", port)) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new AssertionError(
              "redis-server on port " + port + ": no PONG within 10 s (expected: it to start)");
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException(e);
        }
      }
    }

    /** Kills the server (SIGKILL, like a crash) and waits until it is gone. */
    public synchronized void kill() throws InterruptedException {
      if (process != null) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        process = null;
      }
    }

    @Override
    public void close() throws InterruptedException {
      kill();
    }
  }
}
