package dev.gantry.proxy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

/** The leak guard must actually catch a leak, or every "zero leaks" claim is hollow. */
class LeakGuardTest {

  @Test
  void aDroppedBufferIsReportedAndFailsTheClass() throws Exception {
    LeakGuard guard = new LeakGuard();
    guard.beforeAll(null);
    leakOne();
    assertThatThrownBy(() -> guard.afterAll(null))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("LEAK");
    // afterAll cleared the record, so the next class starts clean.
    assertThat(LeakGuard.leaks()).isEmpty();
  }

  private static void leakOne() {
    ByteBuf leaked = PooledByteBufAllocator.DEFAULT.directBuffer(64);
    leaked.writeInt(42);
    // No release: the buffer becomes unreachable when this frame returns.
  }
}
