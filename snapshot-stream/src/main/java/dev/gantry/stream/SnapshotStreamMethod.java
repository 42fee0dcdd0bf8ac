package dev.gantry.stream;

import dev.gantry.model.stream.SnapshotStreamContract;
import dev.gantry.model.stream.StreamRequest;
import dev.gantry.model.stream.StreamResponse;
import io.grpc.MethodDescriptor;

/**
 * The one bidirectional-streaming method of the snapshot service; the operator serves it, proxies
 * call it.
 */
public final class SnapshotStreamMethod {

  public static final MethodDescriptor<StreamRequest, StreamResponse> DESCRIPTOR =
      MethodDescriptor.<StreamRequest, StreamResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName(SnapshotStreamContract.FULL_METHOD_NAME)
          .setRequestMarshaller(new JsonMarshaller<>(StreamRequest.class))
          .setResponseMarshaller(new JsonMarshaller<>(StreamResponse.class))
          .build();

  private SnapshotStreamMethod() {}
}
