package dev.gantry.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

class TransportTest {
  @Test
  void autoPrefersIoUringThenEpollThenNio() {
    String expected = IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
    assertThat(Transport.named("auto").name()).isEqualTo(expected);
    assertThat(Transport.named("nio").name()).isEqualTo("nio");
  }

  @Test
  void namedTransportsAreExactlyWhatWasAskedFor() {
    for (String name : new String[] {"io_uring", "epoll"}) {
      boolean available = name.equals("io_uring") ? IoUring.isAvailable() : Epoll.isAvailable();
      if (available) {
        assertThat(Transport.named(name).name()).isEqualTo(name);
      } else {
        assertThatThrownBy(() -> Transport.named(name))
            .hasMessageStartingWith("transport: " + name + " (expected: a transport this machine");
      }
    }
    assertThatThrownBy(() -> Transport.named("IO_URING"))
        .hasMessage("transport: IO_URING (expected: one of auto, io_uring, epoll, nio)");
  }
}
