package dev.gantry.proxy.control;

import dev.gantry.model.CanonicalJson;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * gRPC marshaller writing the config-model's canonical JSON. The operator has its twin: the proxy
 * must not depend on the operator module, and config-model stays free of gRPC.
 */
final class JsonMarshaller<T> implements MethodDescriptor.Marshaller<T> {

  private final Class<T> type;

  JsonMarshaller(Class<T> type) {
    this.type = type;
  }

  @Override
  public InputStream stream(T value) {
    return new ByteArrayInputStream(CanonicalJson.toBytes(value));
  }

  @Override
  public T parse(InputStream stream) {
    try {
      return CanonicalJson.read(stream.readAllBytes(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
