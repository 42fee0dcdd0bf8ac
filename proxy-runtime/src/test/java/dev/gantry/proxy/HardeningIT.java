package dev.gantry.proxy;

import static dev.gantry.proxy.testing.ProxyFixture.backend;
import static dev.gantry.proxy.testing.ProxyFixture.json;
import static dev.gantry.proxy.testing.Snap.exact;
import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.proxy.hardening.HttpLimits;
import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile input over real sockets: the bad-request suite ({@code bad-requests.txt}), path
 * normalisation before matching, the header-read timeout, body and connection limits, and a bounded
 * random-mutation fuzz run. Every rejected request must reach no upstream.
 */
@ExtendWith(LeakGuard.class)
class HardeningIT {
  static ProxyFixture f;

  @BeforeAll
  static void start() {
    f = new ProxyFixture();
    f.apply(
        f.snap()
            .listener("http", 80, null)
            .route("http", "*", exact("/admin"), forward("rule/admin", "v2"))
            .route("http", "*", prefix("/"), forward("rule/rest", "v1")));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @AfterEach
  void restoreLimits() {
    f.proxy.limits(HttpLimits.DEFAULTS);
  }

  static Stream<Arguments> badRequests() throws IOException {
    List<Arguments> out = new ArrayList<>();
    try (InputStream in = HardeningIT.class.getResourceAsStream("/bad-requests.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("\t", 3);
        out.add(Arguments.of(parts[1], Integer.parseInt(parts[0]), unescape(parts[2])));
      }
    }
    return out.stream();
  }

  /** \r \n \t \\ \xHH, {BIG:n} and {HEADERS:n} (see the file's header). */
  static String unescape(String s) {
    Matcher big = Pattern.compile("\\{BIG:(\\d+)}").matcher(s);
    s = big.replaceAll(m -> "a".repeat(Integer.parseInt(m.group(1))));
    Matcher hs = Pattern.compile("\\{HEADERS:(\\d+)}").matcher(s);
    s =
        hs.replaceAll(
            m -> {
              StringBuilder b = new StringBuilder();
              for (int i = 0; i < Integer.parseInt(m.group(1)); i++) {
                b.append("X-H").append(i).append(": v\\r\\n");
              }
              return Matcher.quoteReplacement(b.toString());
            });
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char n = s.charAt(++i);
      switch (n) {
        case 'r' -> out.append('\r');
        case 'n' -> out.append('\n');
        case 't' -> out.append('\t');
        case '\\' -> out.append('\\');
        case 'x' -> {
          out.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
          i += 2;
        }
        default -> throw new IllegalArgumentException("escape: \\" + n + " (expected: r n t \\ x)");
      }
    }
    return out.toString();
  }

  private static long upstreamRequests() {
    return f.v1.requestCount() + f.v2.requestCount();
  }

  /**
   * The upstream count once in-flight forwards of earlier inputs have landed (an input answered
   * with -1 may still be on its way to the upstream when the next one starts).
   */
  private static long settledUpstreamRequests() throws InterruptedException {
    long last = upstreamRequests();
    for (int i = 0; i < 25; i++) {
      Thread.sleep(2);
      long now = upstreamRequests();
      if (now == last && i >= 2) {
        return now;
      }
      last = now;
    }
    return last;
  }

  /**
   * Obsolete line folding: RFC 9112 §5.2 lets a server either reject it with 400 or replace each
   * fold with SP before interpreting or forwarding. Netty's decoder does the latter and the proxy
   * re-encodes every header, so a fold never reaches an upstream and cannot desynchronise one.
   */
  @Test
  void obsoleteLineFoldingIsUnfoldedNeverForwardedAsAFold() throws Exception {
    try (RawHttp c = new RawHttp(f.port(80))) {
      c.send("GET /fold HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tfolded\r\n\r\n");
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(json(r).path("headers").toString()).contains("b folded").doesNotContain("\\r\\n");
    }
  }

  @ParameterizedTest(name = "{0} → {1}")
  @MethodSource("badRequests")
  void badRequestIsAnsweredClosedAndNeverForwarded(String name, int status, String raw)
      throws Exception {
    long before = upstreamRequests();
    try (RawHttp c = new RawHttp(f.port(80))) {
      c.send(raw);
      RawHttp.Response r = c.read();
      assertThat(r.status()).as(name).isEqualTo(status);
      assertThat(c.closedByServer(5000)).as(name + ": connection closed").isTrue();
    }
    assertThat(upstreamRequests()).as(name + ": nothing forwarded").isEqualTo(before);
  }

  @Test
  void pathsAreNormalisedBeforeMatchingAndForwarding() {
    String[][] cases = {
      // request target, backend, path the upstream sees
      {"/admin", "v2", "/admin"},
      {"/public/../admin", "v2", "/admin"},
      {"/../../admin", "v2", "/admin"},
      {"/%61dmin", "v2", "/admin"},
      {"//admin", "v2", "/admin"},
      {"/./admin", "v2", "/admin"},
      {"/%2e%2e/admin", "v2", "/admin"},
      // The query string is forwarded byte for byte.
      {"/x/%2E%2E/admin?q=%2e%2e", "v2", "/admin?q=%2e%2e"},
      // Encoded slashes stay encoded (hex upper-cased) and are one segment: never /admin.
      {"/admin%2Fx", "v1", "/admin%2Fx"},
      {"/a%2fb", "v1", "/a%2Fb"},
      {"/a/b/", "v1", "/a/b/"},
    };
    for (String[] c : cases) {
      RawHttp.Response r = f.get(80, "a", c[0]);
      assertThat(backend(r)).as(c[0]).isEqualTo(c[1]);
      assertThat(json(r).path("path").asText()).as(c[0]).isEqualTo(c[2]);
    }
  }

  @Test
  void slowHeadersGet408AndNothingIsForwarded() throws Exception {
    f.proxy.limits(new HttpLimits(100, 16L << 20, 500, 50_000, 250, 100, 1));
    long before = upstreamRequests();
    try (RawHttp c = new RawHttp(f.port(80))) {
      long t0 = System.nanoTime();
      c.send("GET / HTTP/1.1\r\nHost: a\r\n");
      // A header line every 100 ms keeps the connection busy, never idle: slowloris.
      for (int i = 0; i < 8; i++) {
        Thread.sleep(100);
        try {
          c.send("X-Slow-" + i + ": v\r\n");
        } catch (IOException closed) {
          break;
        }
      }
      RawHttp.Response r = c.read();
      assertThat(r.status()).isEqualTo(408);
      assertThat(c.closedByServer(5000)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }
    assertThat(upstreamRequests()).isEqualTo(before);
    // A prompt client on a keep-alive connection is unaffected by the deadline between requests.
    try (RawHttp c = new RawHttp(f.port(80))) {
      assertThat(c.get("a", "/one").status()).isEqualTo(200);
      assertThat(c.get("a", "/two").status()).isEqualTo(200);
    }
  }

  @Test
  void bodyLimitAnswers413ForDeclaredAndClosesForChunked() throws Exception {
    f.proxy.limits(new HttpLimits(100, 1024, 30_000, 50_000, 250, 100, 1));
    long before = upstreamRequests();
    try (RawHttp c = new RawHttp(f.port(80))) {
      c.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2000\r\n\r\n" + "b".repeat(2000));
      assertThat(c.read().status()).isEqualTo(413);
    }
    assertThat(upstreamRequests()).isEqualTo(before);
    try (RawHttp c = new RawHttp(f.port(80))) {
      c.send("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
      for (int i = 0; i < 4; i++) {
        c.send("200\r\n" + "c".repeat(512) + "\r\n");
      }
      assertThat(c.closedByServer(5000)).as("closed once the body passed 1024 bytes").isTrue();
    }
    try (RawHttp c = new RawHttp(f.port(80))) {
      assertThat(c.exchange("POST", "a", "/small", "d".repeat(1000)).status()).isEqualTo(200);
    }
  }

  @Test
  void connectionsBeyondTheCapAreClosedAtAccept() throws Exception {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> f.proxy.activeConnections() == 0);
    f.proxy.limits(new HttpLimits(100, 16L << 20, 30_000, 2, 250, 100, 1));
    try (RawHttp a = new RawHttp(f.port(80));
        RawHttp b = new RawHttp(f.port(80))) {
      assertThat(a.get("a", "/1").status()).isEqualTo(200);
      assertThat(b.get("a", "/2").status()).isEqualTo(200);
      try (RawHttp c = new RawHttp(f.port(80))) {
        assertThat(c.closedByServer(5000)).as("third connection refused").isTrue();
      }
      assertThat(a.get("a", "/3").status()).as("open connections unaffected").isEqualTo(200);
    }
  }

  /**
   * Bounded random-mutation fuzzing of the HTTP/1.1 request path: 3,000 inputs (at most 90 s), each
   * a valid request with 1–4 byte-level mutations (flip, insert CR/LF/NUL/space/colon/ percent,
   * delete, duplicate a header line), sent on a fresh connection. The proxy must answer or close
   * every one, stay healthy, leak nothing (LeakGuard, paranoid), and forward nothing for an input
   * it rejected with 4xx.
   */
  @Test
  void boundedMutationFuzz() throws Exception {
    Random rnd = new Random(7);
    String[] seeds = {
      "GET /a/b?x=1 HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\r\n",
      "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
      "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "GET /admin HTTP/1.1\r\nHost: a:80\r\nCookie: k=v\r\n\r\n",
    };
    char[] inserts = {'\r', '\n', '\0', ' ', ':', '%', '/', '.', '\t', 'Z', '0', '-'};
    int iterations = 0;
    int rejected = 0;
    int forwardedRejections = 0;
    java.util.Map<String, String> rejectedMarkers = new java.util.HashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    for (; iterations < 3000 && System.nanoTime() < deadline; iterations++) {
      StringBuilder b = new StringBuilder(seeds[rnd.nextInt(seeds.length)]);
      for (int m = 1 + rnd.nextInt(4); m > 0; m--) {
        int at = rnd.nextInt(b.length());
        switch (rnd.nextInt(4)) {
          case 0 -> b.setCharAt(at, (char) (b.charAt(at) ^ (1 << rnd.nextInt(7))));
          case 1 -> b.insert(at, inserts[rnd.nextInt(inserts.length)]);
          case 2 -> b.deleteCharAt(at);
          default -> {
            int eol = b.indexOf("\r\n", at);
            int sol = b.lastIndexOf("\r\n", at);
            if (sol >= 0 && eol > sol) {
              b.insert(eol + 2, b.substring(sol + 2, eol + 2));
            }
          }
        }
      }
      // A marker header after the first line attributes upstream requests to inputs exactly,
      // however late a forward lands.
      int eol = b.indexOf("\r\n");
      String marker = "fz" + iterations + "z";
      if (eol >= 0) {
        b.insert(eol + 2, "X-Fuzz-Id: " + marker + "\r\n");
      }
      int status;
      try (RawHttp c = new RawHttp(f.port(80))) {
        c.send(b.toString());
        c.closeOutput();
        status = c.tryReadStatus();
      }
      if (status >= 400 && status < 500 && eol >= 0) {
        rejected++;
        rejectedMarkers.put("\"" + marker + "\"", b.toString());
      }
    }
    Thread.sleep(500); // let any late forward land before looking
    List<String> seen = new ArrayList<>(f.v1.recentRequests());
    seen.addAll(f.v2.recentRequests());
    for (String upstreamRequest : seen) {
      int at = upstreamRequest.indexOf("\"fz");
      if (at >= 0) {
        String m = upstreamRequest.substring(at, upstreamRequest.indexOf('"', at + 1) + 1);
        String input = rejectedMarkers.get(m);
        if (input != null) {
          forwardedRejections++;
          System.out.println(
              "forwarded after 4xx: " + input.replace("\r", "\\r").replace("\n", "\\n"));
        }
      }
    }
    System.out.printf(
        "fuzz: %d inputs, %d rejected with 4xx, %d of those forwarded%n",
        iterations, rejected, forwardedRejections);
    assertThat(iterations).isGreaterThanOrEqualTo(500);
    assertThat(forwardedRejections).isZero();
    assertThat(f.get(80, "a", "/after-fuzz").status()).isEqualTo(200);
  }
}
