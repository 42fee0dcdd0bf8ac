package dev.gantry.proxy;

import static dev.gantry.proxy.testing.Snap.forward;
import static dev.gantry.proxy.testing.Snap.prefix;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.proxy.testing.LeakGuard;
import dev.gantry.proxy.testing.ProxyFixture;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP/2 rapid reset (CVE-2023-44487), with raw frames so nothing in a client library smooths the
 * attack: 500 streams opened and cancelled at once on an h2c prior-knowledge connection get GOAWAY
 * ENHANCE_YOUR_CALM and a closed connection, long before the upstream sees 500 requests.
 */
@ExtendWith(LeakGuard.class)
class RapidResetIT {
  static final int ENHANCE_YOUR_CALM = 0xb;
  static final int CANCEL = 0x8;
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

  private static void frame(ByteArrayOutputStream out, int type, int flags, int stream, byte[] p) {
    out.write(p.length >>> 16);
    out.write(p.length >>> 8);
    out.write(p.length);
    out.write(type);
    out.write(flags);
    out.write(stream >>> 24);
    out.write(stream >>> 16);
    out.write(stream >>> 8);
    out.write(stream);
    out.writeBytes(p);
  }

  @Test
  void rapidResetGetsGoawayEnhanceYourCalm() throws Exception {
    long before = f.v1.requestCount();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    frame(out, 0x4, 0, 0, new byte[0]); // SETTINGS
    // HPACK: :method GET, :scheme http, :path /, :authority "a" (literal, not indexed).
    byte[] headers = {(byte) 0x82, (byte) 0x86, (byte) 0x84, 0x01, 0x01, 'a'};
    byte[] cancel = {0, 0, 0, CANCEL};
    for (int i = 0; i < 500; i++) {
      int stream = 1 + 2 * i;
      frame(out, 0x1, 0x5, stream, headers); // HEADERS, END_STREAM | END_HEADERS
      frame(out, 0x3, 0, stream, cancel); // RST_STREAM
    }
    int goAwayCode = -1;
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", f.port(80)), 5000);
      s.setSoTimeout(10_000);
      s.getOutputStream().write(out.toByteArray());
      s.getOutputStream().flush();
      DataInputStream in = new DataInputStream(s.getInputStream());
      try {
        while (goAwayCode < 0) {
          int len = (in.readUnsignedByte() << 16) | in.readUnsignedShort();
          int type = in.readUnsignedByte();
          in.readUnsignedByte(); // flags
          in.readInt(); // stream
          byte[] payload = in.readNBytes(len);
          if (type == 0x7) {
            goAwayCode =
                ((payload[4] & 0xff) << 24)
                    | ((payload[5] & 0xff) << 16)
                    | ((payload[6] & 0xff) << 8)
                    | (payload[7] & 0xff);
          }
        }
        // After GOAWAY the proxy closes: reading reaches EOF (or a reset) within the timeout.
        while (in.read() >= 0) {
          // drain what was in flight
        }
      } catch (EOFException | java.net.SocketException closed) {
        // closed by the proxy
      } catch (IOException e) {
        throw e;
      }
    }
    assertThat(goAwayCode).isEqualTo(ENHANCE_YOUR_CALM);
    assertThat(f.v1.requestCount() - before).isLessThan(500);
    assertThat(f.get(80, "a", "/after").status()).as("proxy unharmed").isEqualTo(200);
  }
}
