package dev.gantry.proxy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ClientAddressTest {
  static final InetSocketAddress PEER = new InetSocketAddress("10.0.0.9", 40000);

  static HttpHeaders xff(String... values) {
    HttpHeaders h = new DefaultHttpHeaders();
    for (String v : values) {
      h.add("X-Forwarded-For", v);
    }
    return h;
  }

  @Test
  void depthZeroIgnoresTheHeaderAClientCanForge() {
    assertThat(ClientAddress.resolve(PEER, xff("1.2.3.4"), 0)).isEqualTo("10.0.0.9");
  }

  @Test
  void depthCountsFromTheRightAcrossRepeatedHeaders() {
    HttpHeaders h = xff("6.6.6.6, 1.2.3.4", "172.16.0.1");
    assertThat(ClientAddress.resolve(PEER, h, 1)).isEqualTo("172.16.0.1");
    assertThat(ClientAddress.resolve(PEER, h, 2)).isEqualTo("1.2.3.4");
  }

  @Test
  void aShortChainFallsBackToItsLeftmostEntryAndNoHeaderToThePeer() {
    assertThat(ClientAddress.resolve(PEER, xff("1.2.3.4"), 3)).isEqualTo("1.2.3.4");
    assertThat(ClientAddress.resolve(PEER, xff(), 2)).isEqualTo("10.0.0.9");
  }
}
