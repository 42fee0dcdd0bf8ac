package dev.gantry.model.stream;

/**
 * Proxy → operator on the snapshot stream. The first message names the Gateway and the proxy; every
 * message carries the versions the proxy now runs (ACK of each) and, after a refused update, the
 * rejection (NACK).
 *
 * @param gateway {@code namespace/name} of the Gateway whose snapshot the proxy wants
 * @param nodeId a stable id of the proxy (its pod name)
 * @param applied the part versions the proxy runs; {@link PartVersions#NONE} before its first apply
 * @param rejected the last refused update, or {@code null}
 */
public record StreamRequest(
    String gateway, String nodeId, PartVersions applied, Rejection rejected) {

  public StreamRequest {
    applied = applied == null ? PartVersions.NONE : applied;
  }
}
