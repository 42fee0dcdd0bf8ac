package dev.gantry.proxy.hardening;

/**
 * Marks a request the {@link RequestGuard} refused, with the status to answer; set as the request's
 * decoder failure so the proxy handler answers it like any malformed request (and forwards
 * nothing).
 */
public final class RejectedRequestException extends RuntimeException {
  private final int status;

  public RejectedRequestException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
