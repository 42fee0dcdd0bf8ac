package dev.gantry.stream;

import dev.gantry.model.CanonicalJson;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * gRPC marshaller that writes messages as the config-model's canonical JSON, so no protoc step and
 * no second schema exist next to the config-model records.
 */
public final class JsonMarshaller<T> implements MethodDescriptor.Marshaller<T> {

  private final Class<T> type;

  public JsonMarshaller(Class<T> type) {
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
