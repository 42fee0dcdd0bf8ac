package dev.gantry.proxy;

import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import dev.gantry.proxy.testing.RawHttp;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed HTTP gets a 4xx, the connection is closed, nothing reaches the backend, and the proxy
 * keeps serving good requests.
 */
@ExtendWith(LeakGuard.class)
class MalformedInputIT {
  static ProxyFixture f;

  @BeforeAll
  static void start() {
    f = new ProxyFixture();
    f.apply(
        f.snap().listener("http", 80, null).route("http", "*", prefix("/"), forward("r", "v1")));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("bad request line", "GARBAGE\r\n\r\n", 400),
        Arguments.of("bad version", "GET / HTTP/9.9x\r\nHost: a\r\n\r\n", 400),
        Arguments.of(
            "space in header name", "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n", 400),
        Arguments.of(
            "control char in header value",
            "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u0001b\r\n\r\n",
            400),
        Arguments.of(
            "oversized URI", "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n", 414),
        Arguments.of(
            "oversized headers",
            "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(17_000) + "\r\n\r\n",
            431),
        Arguments.of(
            "Content-Length with Transfer-Encoding",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n",
            400),
        Arguments.of(
            "conflicting Content-Length",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
            400),
        Arguments.of(
            "invalid Content-Length",
            "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n",
            400),
        Arguments.of("missing Host", "GET / HTTP/1.1\r\nX-A: b\r\n\r\n", 400),
        Arguments.of("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        Arguments.of(
            "bad chunk size",
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
            400));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectedClosedNotForwarded(String name, String raw, int status) throws Exception {
    long before = f.v1.requestCount();
    try (RawHttp c = new RawHttp(f.port(80))) {
      c.send(raw);
      RawHttp.Response r = c.read();
      assertThat(r.status()).as(name).isEqualTo(status);
      assertThat(c.closedByServer(5000)).as(name + ": connection closed").isTrue();
    }
    assertThat(f.v1.requestCount()).as(name + ": nothing forwarded").isEqualTo(before);
    assertThat(f.get(80, "a", "/after").status()).as("proxy unharmed").isEqualTo(200);
  }

  @Test
  void requestSmuggledAfterAValidOneIsNotForwarded() throws Exception {
    long before = f.v1.requestCount();
    try (RawHttp c = new RawHttp(f.port(80))) {
      // A valid request followed on the same connection by a CL+TE request hiding a second one.
      c.send(
          "GET /ok HTTP/1.1\r\nHost: a\r\n\r\n"
              + "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      assertThat(c.read().status()).isEqualTo(400);
      assertThat(c.closedByServer(5000)).isTrue();
    }
    assertThat(f.v1.requestCount()).isEqualTo(before + 1);
    assertThat(f.v1.recentRequests()).noneMatch(s -> s.contains("/smuggled"));
  }
}
