package dev.gantry.operator.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rotation schedule as a pure function of the stored state and the time. */
class CaRotationPolicyTest {

  static final CaRotationPolicy POLICY = CaRotationPolicy.DEFAULT;
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void noStateCreatesACaAndAFreshOneNeedsNothing() {
    CaState s = POLICY.advance(null, T0).orElseThrow();
    assertThat(s.next()).isNull();
    assertThat(s.retired()).isNull();
    assertThat(s.current().notAfter()).isEqualTo(T0.plus(Duration.ofDays(365)));
    assertThat(POLICY.advance(s, T0.plus(Duration.ofDays(200)))).isEmpty();
  }

  @Test
  void aRotationTrustsTheNextCaBeforeItSignsAndKeepsTheOldOneUntilItsCertsExpired() {
    CaState s0 = POLICY.advance(null, T0).orElseThrow();
    CertificateAuthority first = s0.current();
    Instant due = first.notAfter().minus(Duration.ofDays(90));

    assertThat(POLICY.advance(s0, due.minusSeconds(1))).isEmpty();
    // Step 1: next CA enters the bundle; the first one still signs.
    CaState s1 = POLICY.advance(s0, due).orElseThrow();
    assertThat(s1.current()).isSameAs(first);
    assertThat(s1.next()).isNotNull();
    assertThat(s1.nextSince()).isEqualTo(due);
    assertThat(s1.bundle()).containsExactly(first.certificate(), s1.next().certificate());

    // Not before the bundle had time to reach the proxies.
    assertThat(POLICY.advance(s1, due.plus(Duration.ofMinutes(9)))).isEmpty();
    // Step 2: the next CA signs; the first is retired, still trusted, its key dropped.
    Instant promoted = due.plus(Duration.ofMinutes(10));
    CaState s2 = POLICY.advance(s1, promoted).orElseThrow();
    assertThat(s2.current()).isSameAs(s1.next());
    assertThat(s2.next()).isNull();
    assertThat(s2.retired()).isEqualTo(first.certificate());
    assertThat(s2.retiredUntil())
        .isEqualTo(promoted.plus(Duration.ofHours(24)).plus(Duration.ofSeconds(30)));
    assertThat(s2.bundle()).containsExactly(s2.current().certificate(), first.certificate());

    assertThat(POLICY.advance(s2, s2.retiredUntil().minusSeconds(1))).isEmpty();
    // Step 3: every certificate the first CA signed has expired: it leaves the bundle.
    CaState s3 = POLICY.advance(s2, s2.retiredUntil()).orElseThrow();
    assertThat(s3.bundle()).containsExactly(s2.current().certificate());
    // The first CA was never removed before it expired its own signatures' lifetime.
    assertThat(s2.retiredUntil()).isBefore(first.notAfter());
  }

  @Test
  void anExpiredCaIsReplacedAtOnce() {
    CaState s0 = POLICY.advance(null, T0).orElseThrow();
    CaState s1 = POLICY.advance(s0, s0.current().notAfter()).orElseThrow();
    assertThat(s1.current().certificate()).isNotEqualTo(s0.current().certificate());
    assertThat(s1.bundle()).hasSize(1);
  }

  @Test
  void servingCertificatesAreReissuedNearExpiryOrWhenTheSigningCaChanged() {
    CaState s = POLICY.advance(null, T0).orElseThrow();
    ServingCertificate c = s.current().issue(List.of("op"), List.of(), T0, Duration.ofHours(24));
    assertThat(POLICY.needsReissue(null, s, T0)).isTrue();
    assertThat(POLICY.needsReissue(c, s, T0.plus(Duration.ofHours(15)))).isFalse();
    assertThat(POLICY.needsReissue(c, s, T0.plus(Duration.ofHours(16)))).isTrue();
    CaState other = POLICY.advance(null, T0).orElseThrow();
    assertThat(POLICY.needsReissue(c, other, T0)).isTrue();
  }

  @Test
  void aPolicyWhoseOverlapCannotHoldIsRefused() {
    assertThatThrownBy(
            () ->
                new CaRotationPolicy(
                    Duration.ofDays(365),
                    Duration.ofHours(12),
                    Duration.ofMinutes(10),
                    Duration.ofHours(24),
                    Duration.ofHours(8),
                    Duration.ofSeconds(30)))
        .hasMessage(
            "caRenewBefore: PT12H (expected: more than propagation + servingValidity + refresh"
                + " = PT24H10M30S)");
  }
}
