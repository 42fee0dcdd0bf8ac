package dev.gantry.proxy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gantry.proxy.echo.EchoServer;
import dev.gantry.proxy.standalone.LoadedResources;
import dev.gantry.proxy.standalone.LoopbackEndpoints;
import dev.gantry.proxy.standalone.ResourceDirectory;
import dev.gantry.proxy.standalone.StandaloneServer;
import dev.gantry.proxy.standalone.StatusCheck;
import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.ResourceSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every folder under {@code examples/} is proven here: it parses strictly, every object is accepted
 * with all references resolved ({@code gantry validate} would exit 0), and every {@code curl} line
 * of its README that carries an {@code # expect:} comment is sent to a real standalone Gantry with
 * real echo backends, and answered as the README says.
 *
 * <p>README convention: {@code $ curl [-s] [-i] [-X METHOD] [-H 'Name: value']... URL # expect:
 * STATUS BACKEND [header=value | path=... | host=...]...} where BACKEND is the echo backend's name
 * or {@code -} (not proxied), and {@code header=} with an empty value means the header must be
 * absent.
 */
class ExamplesIT {

  static final Path EXAMPLES = Path.of("..", "examples");
  static final ObjectMapper JSON = new ObjectMapper();

  @TestFactory
  Stream<DynamicTest> everyExampleIsValidAndAnswersAsItsReadmeSays() throws IOException {
    List<Path> folders;
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      folders = s.filter(Files::isDirectory).filter(d -> hasYaml(d)).sorted().toList();
    }
    assertThat(folders).isNotEmpty();
    return folders.stream()
        .map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> check(d)));
  }

  static boolean hasYaml(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.anyMatch(p -> p.toString().endsWith(".yaml"));
    } catch (IOException e) {
      return false;
    }
  }

  void check(Path folder) throws Exception {
    ResourceDirectory directory = new ResourceDirectory(folder, Clock.systemUTC());
    LoadedResources loaded = directory.load();
    assertThat(loaded.errors()).as("%s parses strictly", folder).isEmpty();
    var result =
        new GatewayApiTranslator()
            .translate(ResourceSnapshot.of(loaded.objects()), Clock.systemUTC().instant());
    assertThat(StatusCheck.problems(result))
        .as("%s: every object accepted, every reference resolved", folder)
        .isEmpty();
    assertThat(result.snapshots()).as("%s serves at least one Gateway", folder).isNotEmpty();

    List<Expectation> expectations = readme(folder);
    assertThat(expectations)
        .as("%s/README.md shows requests with '# expect:'", folder)
        .isNotEmpty();

    List<EchoServer> echoes = new ArrayList<>();
    StandaloneServer server = null;
    try {
      for (var e : LoopbackEndpoints.of(loaded).entrySet()) {
        echoes.add(
            EchoServer.start(e.getKey().getHostString(), e.getKey().getPort(), e.getValue()));
      }
      server =
          new StandaloneServer(
              directory,
              "127.0.0.1",
              p -> 0,
              new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
              Clock.systemUTC());
      server.start(100);
      assertThat(server.ready()).isTrue();
      String gateway = result.snapshots().firstKey();
      for (Expectation x : expectations) {
        int port = server.proxy(gateway).boundPort(x.port());
        Response r = send(port, x);
        assertThat(r.status()).as("%s: %s", folder, x.line()).isEqualTo(x.status());
        if (!x.backend().equals("-")) {
          JsonNode echo = JSON.readTree(r.body());
          assertThat(echo.path("name").asText())
              .as("%s: %s", folder, x.line())
              .isEqualTo(x.backend());
          x.checks()
              .forEach(
                  (k, v) -> {
                    if (k.equals("path") || k.equals("host")) {
                      assertThat(echo.path(k).asText())
                          .as("%s: %s (%s)", folder, x.line(), k)
                          .isEqualTo(v);
                    }
                  });
        }
        x.checks()
            .forEach(
                (k, v) -> {
                  if (k.equals("path") || k.equals("host")) {
                    return;
                  }
                  String actual = r.headers().get(k);
                  if (v.isEmpty()) {
                    assertThat(actual)
                        .as("%s: %s (header %s absent)", folder, x.line(), k)
                        .isNull();
                  } else {
                    assertThat(actual).as("%s: %s (header %s)", folder, x.line(), k).isEqualTo(v);
                  }
                });
      }
    } finally {
      if (server != null) {
        server.close();
      }
      echoes.forEach(EchoServer::close);
    }
  }

  record Expectation(
      String line,
      String method,
      Map<String, String> headers,
      int port,
      String target,
      int status,
      String backend,
      Map<String, String> checks,
      boolean tls) {}

  record Response(int status, Map<String, String> headers, String body) {}

  static List<Expectation> readme(Path folder) throws IOException {
    List<Expectation> out = new ArrayList<>();
    for (String line : Files.readAllLines(folder.resolve("README.md"))) {
      String t = line.trim();
      if (!t.startsWith("$ curl ") || !t.contains("# expect:")) {
        continue;
      }
      String cmd = t.substring(2, t.indexOf("# expect:")).trim();
      String[] expect = t.substring(t.indexOf("# expect:") + 9).trim().split("\\s+");
      List<String> tokens = shellWords(cmd);
      String method = "GET";
      Map<String, String> headers = new LinkedHashMap<>();
      String url = null;
      for (int i = 1; i < tokens.size(); i++) {
        String tok = tokens.get(i);
        switch (tok) {
          case "-s", "-i", "-si", "-is", "-k", "-sk", "-ski", "-sik" -> {}
          // The test always connects to 127.0.0.1, which is what the README's --resolve says.
          case "--resolve" -> i++;
          case "-X" -> method = tokens.get(++i);
          case "-H" -> {
            String h = tokens.get(++i);
            headers.put(
                h.substring(0, h.indexOf(':')).trim(), h.substring(h.indexOf(':') + 1).trim());
          }
          default -> url = tok;
        }
      }
      boolean tls = url.startsWith("https://");
      url = url.replaceFirst("^https?://", "");
      String hostPort = url.substring(0, url.indexOf('/') < 0 ? url.length() : url.indexOf('/'));
      String target = url.indexOf('/') < 0 ? "/" : url.substring(url.indexOf('/'));
      int port = Integer.parseInt(hostPort.substring(hostPort.indexOf(':') + 1));
      headers.putIfAbsent("Host", hostPort);
      Map<String, String> checks = new LinkedHashMap<>();
      for (int i = 2; i < expect.length; i++) {
        int eq = expect[i].indexOf('=');
        checks.put(
            expect[i].substring(0, eq).toLowerCase(Locale.ROOT), expect[i].substring(eq + 1));
      }
      out.add(
          new Expectation(
              t,
              method,
              headers,
              port,
              target,
              Integer.parseInt(expect[0]),
              expect[1],
              checks,
              tls));
    }
    return out;
  }

  /** Splits a command line the way a POSIX shell does for the quoting the READMEs use. */
  static List<String> shellWords(String s) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (char c : s.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          cur.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          out.add(cur.toString());
          cur.setLength(0);
          inWord = false;
        }
      } else {
        cur.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      out.add(cur.toString());
    }
    return out;
  }

  /**
   * One HTTP/1.1 request on a fresh connection, exactly as written (curl sends the Host it is
   * given).
   */
  static Response send(int port, Expectation x) throws IOException {
    try (Socket s = connect(port, x)) {
      s.setSoTimeout(10_000);
      StringBuilder req = new StringBuilder(x.method() + " " + x.target() + " HTTP/1.1\r\n");
      x.headers().forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      req.append("Connection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      int headerEnd = raw.indexOf("\r\n\r\n");
      String[] lines = raw.substring(0, headerEnd).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        headers.merge(
            lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(c + 1).trim(),
            (a, b) -> a + "," + b);
      }
      String body = raw.substring(headerEnd + 4);
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        body = dechunk(body);
      }
      return new Response(status, headers, body);
    }
  }

  /**
   * A plain socket, or for an {@code https://} URL a TLS socket that sends the URL's host as SNI
   * and trusts any certificate (curl {@code -k}: the examples use self-signed certificates).
   */
  static Socket connect(int port, Expectation x) throws IOException {
    Socket plain = new Socket("127.0.0.1", port);
    if (!x.tls()) {
      return plain;
    }
    String url = x.line().substring(x.line().indexOf("https://") + 8);
    String sni = url.substring(0, url.indexOf(':'));
    try {
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(
          null,
          io.netty.handler.ssl.util.InsecureTrustManagerFactory.INSTANCE.getTrustManagers(),
          null);
      javax.net.ssl.SSLSocket s =
          (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(plain, sni, port, true);
      s.startHandshake();
      return s;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < body.length()) {
      int eol = body.indexOf("\r\n", i);
      int size = Integer.parseInt(body.substring(i, eol).split(";")[0].trim(), 16);
      if (size == 0) {
        break;
      }
      out.append(body, eol + 2, eol + 2 + size);
      i = eol + 2 + size + 2;
    }
    return out.toString();
  }
}
