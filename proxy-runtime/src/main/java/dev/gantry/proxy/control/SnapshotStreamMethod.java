package dev.gantry.proxy.control;

import dev.gantry.model.stream.SnapshotStreamContract;
import dev.gantry.model.stream.StreamRequest;
import dev.gantry.model.stream.StreamResponse;
import io.grpc.MethodDescriptor;

/** The bidirectional snapshot stream, proxy side (twin of the operator's descriptor). */
final class SnapshotStreamMethod {

  static final MethodDescriptor<StreamRequest, StreamResponse> DESCRIPTOR =
      MethodDescriptor.<StreamRequest, StreamResponse>newBuilder()
          .setType(MethodDescriptor.MethodType.BIDI_STREAMING)
          .setFullMethodName(SnapshotStreamContract.FULL_METHOD_NAME)
          .setRequestMarshaller(new JsonMarshaller<>(StreamRequest.class))
          .setResponseMarshaller(new JsonMarshaller<>(StreamResponse.class))
          .build();

  private SnapshotStreamMethod() {}
}
