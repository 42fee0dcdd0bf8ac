package dev.gantry.operator.stream;

import dev.gantry.operator.control.ControlChannelSecurity;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The gRPC server every operator replica runs so that proxies can connect to any of them. */
public final class SnapshotServer implements AutoCloseable {

  /** Snapshots are small per Gateway, but a large Gateway's routing may exceed gRPC's 4 MiB. */
  public static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final Server server;
  private final SnapshotService service;

  private SnapshotServer(Server server, SnapshotService service) {
    this.server = server;
    this.service = service;
  }

  /**
   * Plaintext and unauthenticated (see {@link ControlChannelSecurity#insecure()}), without fleet
   * Deployments: the divisor is the count of proxies connected here.
   */
  public static SnapshotServer start(
      InetSocketAddress address, SnapshotStore store, ProxyAcks acks) {
    return start(address, store, acks, new FleetReplicas(), ControlChannelSecurity.insecure());
  }

  /** Plaintext and unauthenticated: see {@link ControlChannelSecurity#insecure()}. */
  public static SnapshotServer start(
      InetSocketAddress address, SnapshotStore store, ProxyAcks acks, FleetReplicas fleet) {
    return start(address, store, acks, fleet, ControlChannelSecurity.insecure());
  }

  /** Without fleet Deployments: the divisor is the count of proxies connected here. */
  public static SnapshotServer start(
      InetSocketAddress address,
      SnapshotStore store,
      ProxyAcks acks,
      ControlChannelSecurity security) {
    return start(address, store, acks, new FleetReplicas(), security);
  }

  public static SnapshotServer start(
      InetSocketAddress address,
      SnapshotStore store,
      ProxyAcks acks,
      FleetReplicas fleet,
      ControlChannelSecurity security) {
    SnapshotService service = new SnapshotService(store, acks, fleet, security.secured());
    ServerServiceDefinition definition =
        security
            .authenticator()
            .map(a -> ServerInterceptors.intercept(service.definition(), a))
            .orElse(service.definition());
    Server server =
        NettyServerBuilder.forAddress(address, security.credentials())
            .addService(definition)
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            // proxies keep their stream open for days; let them ping to detect dead peers
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("snapshot server: " + address + " (expected: a free port)", e);
    }
    return new SnapshotServer(server, service);
  }

  public int port() {
    return server.getPort();
  }

  /** Serving: started and not shut down. */
  public boolean isServing() {
    return !server.isShutdown();
  }

  public long pushes() {
    return service.pushes();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
