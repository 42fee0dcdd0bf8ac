package dev.gantry.proxy;

/** A valid config that could not be applied (e.g. a port could not be bound); nothing changed. */
public final class ApplyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ApplyException(String message, Throwable cause) {
    super(message, cause);
  }
}
