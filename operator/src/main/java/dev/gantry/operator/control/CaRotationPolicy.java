package dev.gantry.operator.control;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When the control channel's CA and serving certificates are created, rotated and dropped. A pure
 * function of the stored state and the time, so every replica computes the same step and the
 * Secret's resourceVersion decides which replica's write lands.
 *
 * <p>The overlap rules: a new CA enters the bundle ({@code next}) and only signs after {@code
 * propagation} — the time for the bundle ConfigMap to reach the proxies' mounted files (kubelet
 * sync) and for them to re-read it. The CA it replaces stays in the bundle as {@code retired} until
 * every serving certificate it can have signed has expired: {@code servingValidity} after promotion
 * plus one {@code refresh}, the longest a replica can keep issuing from it before it sees the
 * promotion. So at no moment does a proxy hold a bundle that lacks the issuer of a cert some
 * replica serves.
 *
 * @param caValidity lifetime of a CA
 * @param caRenewBefore start a rotation when the current CA has less than this left
 * @param propagation how long a next CA is trusted before it signs
 * @param servingValidity lifetime of a replica's serving certificate
 * @param servingRenewBefore re-issue a serving certificate when it has less than this left
 * @param refresh how often replicas re-read the Secret (and the leader republishes the bundle)
 */
public record CaRotationPolicy(
    Duration caValidity,
    Duration caRenewBefore,
    Duration propagation,
    Duration servingValidity,
    Duration servingRenewBefore,
    Duration refresh) {

  /** A year-long CA rotated 90 days ahead; day-long serving certificates renewed 8 hours ahead. */
  public static final CaRotationPolicy DEFAULT =
      new CaRotationPolicy(
          Duration.ofDays(365),
          Duration.ofDays(90),
          Duration.ofMinutes(10),
          Duration.ofHours(24),
          Duration.ofHours(8),
          Duration.ofSeconds(30));

  public CaRotationPolicy {
    if (caRenewBefore.compareTo(propagation.plus(servingValidity).plus(refresh)) <= 0) {
      // Otherwise the old CA could expire before the new one signs, or while certs it signed live.
      throw new IllegalArgumentException(
          "caRenewBefore: "
              + caRenewBefore
              + " (expected: more than propagation + servingValidity + refresh = "
              + propagation.plus(servingValidity).plus(refresh)
              + ")");
    }
    if (caValidity.compareTo(caRenewBefore) <= 0) {
      throw new IllegalArgumentException(
          "caValidity: "
              + caValidity
              + " (expected: more than caRenewBefore "
              + caRenewBefore
              + ")");
    }
    if (servingValidity.compareTo(servingRenewBefore) <= 0
        || servingRenewBefore.compareTo(refresh) <= 0) {
      throw new IllegalArgumentException(
          "servingRenewBefore: "
              + servingRenewBefore
              + " (expected: between refresh "
              + refresh
              + " and servingValidity "
              + servingValidity
              + ")");
    }
  }

  /**
   * The state the Secret should hold at {@code now}, or empty when {@code state} is already it. One
   * step at a time; the caller applies it and asks again on its next refresh.
   */
  public Optional<CaState> advance(CaState state, Instant now) {
    if (state == null || !now.isBefore(state.current().notAfter())) {
      // No CA, or an expired one (the operator was away for its whole lifetime): there is no
      // overlap to preserve, since nothing can verify against an expired CA anyway.
      return Optional.of(CaState.of(CertificateAuthority.create(now, caValidity)));
    }
    if (state.retired() != null && !now.isBefore(state.retiredUntil())) {
      return Optional.of(new CaState(state.current(), state.next(), state.nextSince(), null, null));
    }
    if (state.next() != null) {
      if (now.isBefore(state.nextSince().plus(propagation))) {
        return Optional.empty();
      }
      Instant keep = now.plus(servingValidity).plus(refresh);
      if (keep.isAfter(state.current().notAfter())) {
        keep = state.current().notAfter();
      }
      return Optional.of(
          new CaState(state.next(), null, null, state.current().certificate(), keep));
    }
    if (state.retired() == null && !now.isBefore(state.current().notAfter().minus(caRenewBefore))) {
      return Optional.of(
          new CaState(
              state.current(), CertificateAuthority.create(now, caValidity), now, null, null));
    }
    return Optional.empty();
  }

  /** A replica must re-issue its serving certificate: none yet, wrong issuer, or near expiry. */
  public boolean needsReissue(ServingCertificate serving, CaState state, Instant now) {
    return serving == null
        || !serving.issuer().equals(state.current().certificate())
        || !now.isBefore(serving.notAfter().minus(servingRenewBefore));
  }
}
