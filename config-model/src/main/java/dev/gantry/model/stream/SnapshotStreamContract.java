package dev.gantry.model.stream;

/**
 * The wire contract of the snapshot stream that both ends build their gRPC method descriptor from.
 * Messages are canonical JSON of {@link StreamRequest} and {@link StreamResponse}: no protoc, and
 * the payload is exactly the config-model the proxy validates.
 */
public final class SnapshotStreamContract {

  public static final String SERVICE_NAME = "gantry.v1alpha1.SnapshotService";
  public static final String METHOD_NAME = "StreamSnapshots";
  public static final String FULL_METHOD_NAME = SERVICE_NAME + "/" + METHOD_NAME;

  private SnapshotStreamContract() {}
}
