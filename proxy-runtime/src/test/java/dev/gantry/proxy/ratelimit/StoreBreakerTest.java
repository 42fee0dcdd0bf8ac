package dev.gantry.proxy.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StoreBreakerTest {
  final AtomicLong now = new AtomicLong(1_000);
  final StoreBreaker breaker = new StoreBreaker(100, now::get);

  @Test
  void oneFailureOpensAndOnlyOneProbePassesAfterTheOpenTime() {
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onFailure();
    assertThat(breaker.isOpen()).isTrue();
    assertThat(breaker.tryAcquire()).isFalse();
    now.addAndGet(99);
    assertThat(breaker.tryAcquire()).isFalse();
    now.addAndGet(1);
    assertThat(breaker.tryAcquire()).isTrue(); // the probe
    assertThat(breaker.tryAcquire()).isFalse(); // everyone else while it runs
    breaker.onFailure();
    assertThat(breaker.tryAcquire()).isFalse();
    now.addAndGet(100);
    assertThat(breaker.tryAcquire()).isTrue();
    breaker.onSuccess();
    assertThat(breaker.isOpen()).isFalse();
    assertThat(breaker.tryAcquire()).isTrue();
    assertThat(breaker.tryAcquire()).isTrue();
  }

  @Test
  void aDeadlineOnTheSentinelValuesStillMeansOpen() {
    StoreBreaker edge = new StoreBreaker(1, () -> -1);
    edge.onFailure(); // until = 0, which is CLOSED's value: must be shifted
    assertThat(edge.isOpen()).isTrue();
  }
}
