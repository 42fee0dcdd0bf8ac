package dev.gantry.proxy.control;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.SourceRef;
import dev.gantry.model.endpoints.EndpointsConfig;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.secrets.SecretsConfig;
import dev.gantry.model.stream.PartVersions;
import dev.gantry.model.stream.Rejection;
import dev.gantry.model.stream.StreamRequest;
import dev.gantry.model.stream.StreamResponse;
import dev.gantry.stream.SnapshotStreamMethod;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The proxy's end of the snapshot stream ({@code gantry proxy --operator ADDR --gateway NS/NAME}).
 *
 * <p>It loads the persisted last good snapshot at start and applies it, so a restarted proxy serves
 * while the operator is away; it then connects, tells the operator which versions it already runs,
 * applies each complete update through the {@link SnapshotSink}, ACKs (reports the versions it now
 * runs) or NACKs (reports the refused versions with the sink's message, keeping the previous
 * config), and reconnects with exponential backoff and jitter whenever the stream ends.
 *
 * <p>Everything runs on one private thread, so updates are applied one at a time and in order, and
 * never on a data-plane event loop.
 */
public final class SnapshotClient implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SnapshotClient.class.getName());
  private static final int MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

  private final String gatewayKey;
  private final SourceRef gatewayRef;
  private final String nodeId;
  private final SnapshotSink sink;
  private final SnapshotFile file;
  private final Backoff backoff;
  private final ManagedChannel channel;
  private final ControlChannelCredentials credentials;
  private final ScheduledExecutorService loop;

  // Confined to `loop`.
  private GatewaySnapshot applied;
  private RoutingConfig pendingRouting;
  private EndpointsConfig pendingEndpoints;
  private SecretsConfig pendingSecrets;
  private StreamObserver<StreamRequest> requests;
  private ClientCall<StreamRequest, StreamResponse> call;
  private long connection;
  private boolean closed;

  private volatile boolean ready;
  private volatile int reconnects;
  private volatile Status lastError;

  /**
   * A plaintext, unauthenticated client ({@link ControlChannelCredentials#insecure()}): for tests
   * and standalone runs against an operator with {@code --insecure-control-channel}.
   */
  public SnapshotClient(
      String target,
      String gatewayKey,
      String nodeId,
      SnapshotSink sink,
      SnapshotFile file,
      Backoff backoff) {
    this(target, gatewayKey, nodeId, sink, file, backoff, ControlChannelCredentials.insecure());
  }

  /**
   * @param target the operator's gRPC address, {@code host:port}
   * @param gatewayKey {@code namespace/name} of this proxy's Gateway
   * @param nodeId this proxy's id (its pod name)
   * @param credentials TLS trust and token; closed with this client
   */
  public SnapshotClient(
      String target,
      String gatewayKey,
      String nodeId,
      SnapshotSink sink,
      SnapshotFile file,
      Backoff backoff,
      ControlChannelCredentials credentials) {
    String[] parts = gatewayKey == null ? new String[0] : gatewayKey.split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException("gateway: " + gatewayKey + " (expected: namespace/name)");
    }
    this.gatewayKey = gatewayKey;
    this.gatewayRef = SourceRef.of("Gateway", parts[0], parts[1]);
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.file = file;
    this.backoff = backoff;
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "gantry-snapshot-client");
              t.setDaemon(true);
              return t;
            });
    this.channel =
        NettyChannelBuilder.forTarget(target, credentials.channelCredentials())
            .executor(loop)
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .keepAliveTime(30, TimeUnit.SECONDS)
            .build();
  }

  /** Applies the persisted snapshot (if any) synchronously, then connects in the background. */
  public void start() {
    try {
      loop.submit(this::loadPersisted).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("loading the persisted snapshot failed", e.getCause());
    }
    loop.execute(this::connect);
  }

  /** True once a complete snapshot (routing, endpoints and secrets) has been applied. */
  public boolean isReady() {
    return ready;
  }

  /** How many times the stream was re-opened after it ended. */
  public int reconnects() {
    return reconnects;
  }

  /**
   * Why the stream last ended, as a gRPC status (UNAUTHENTICATED for a refused token,
   * PERMISSION_DENIED for another Gateway's snapshot, UNAVAILABLE for an unreachable or untrusted
   * operator); empty until a stream ended with an error.
   */
  public Optional<Status> lastError() {
    return Optional.ofNullable(lastError);
  }

  /** The versions the sink currently runs. */
  public PartVersions appliedVersions() {
    try {
      return loop.submit(() -> PartVersions.of(applied)).get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void loadPersisted() {
    if (file == null) {
      return;
    }
    Optional<GatewaySnapshot> persisted = file.read();
    if (persisted.isEmpty()) {
      return;
    }
    GatewaySnapshot s = persisted.get();
    if (!gatewayRef.equals(s.gateway())) {
      LOG.log(
          System.Logger.Level.WARNING,
          "ignoring persisted snapshot of " + s.gateway() + ": this proxy serves " + gatewayRef);
      return;
    }
    try {
      sink.apply(s);
      applied = s;
      ready = true;
      LOG.log(System.Logger.Level.INFO, "serving persisted snapshot {0}", s.version());
    } catch (Exception e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "persisted snapshot refused by the proxy: " + e.getMessage());
    }
  }

  private void connect() {
    if (closed) {
      return;
    }
    long id = ++connection;
    pendingRouting = null;
    pendingEndpoints = null;
    pendingSecrets = null;
    Metadata headers;
    try {
      // Read per connect: the kubelet rotates the projected token long before it expires.
      headers = credentials.callMetadata();
    } catch (IOException e) {
      scheduleReconnect(id, e);
      return;
    }
    Channel authenticated =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    call = authenticated.newCall(SnapshotStreamMethod.DESCRIPTOR, CallOptions.DEFAULT);
    requests = ClientCalls.asyncBidiStreamingCall(call, new Responses(id));
    requests.onNext(new StreamRequest(gatewayKey, nodeId, PartVersions.of(applied), null));
  }

  private void scheduleReconnect(long id, Throwable cause) {
    if (closed || id != connection) {
      return;
    }
    requests = null;
    if (cause != null) {
      lastError = Status.fromThrowable(cause);
    }
    long delay = backoff.nextDelayMillis();
    LOG.log(
        System.Logger.Level.INFO,
        "snapshot stream to operator ended ({0}); reconnecting in {1} ms",
        cause == null ? "completed" : cause.getMessage(),
        delay);
    reconnects++;
    loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  private void onResponse(StreamResponse response) {
    backoff.reset();
    if (response.readyReplicas() != null && response.readyReplicas() >= 1) {
      sink.readyReplicas(response.readyReplicas());
      if (response.routing() == null
          && response.endpoints() == null
          && response.secrets() == null) {
        return; // scaling only: no version changed, nothing to apply or ACK
      }
    }
    GatewaySnapshot candidate;
    if (applied == null) {
      // Nothing served yet: collect parts until all three are there; never apply half a config.
      if (response.routing() != null) pendingRouting = response.routing();
      if (response.endpoints() != null) pendingEndpoints = response.endpoints();
      if (response.secrets() != null) pendingSecrets = response.secrets();
      if (pendingRouting == null || pendingEndpoints == null || pendingSecrets == null) {
        return;
      }
      candidate = GatewaySnapshot.of(gatewayRef, pendingRouting, pendingEndpoints, pendingSecrets);
    } else {
      candidate =
          GatewaySnapshot.of(
              gatewayRef,
              response.routing() != null ? response.routing() : applied.routing(),
              response.endpoints() != null ? response.endpoints() : applied.endpoints(),
              response.secrets() != null ? response.secrets() : applied.secrets());
    }
    Rejection rejection = null;
    try {
      candidate.validate();
      sink.apply(candidate);
      applied = candidate;
      ready = true;
      persist(candidate);
    } catch (Exception e) {
      String reason = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
      rejection = new Rejection(PartVersions.of(candidate), reason);
      LOG.log(
          System.Logger.Level.WARNING,
          "refused snapshot " + PartVersions.of(candidate) + ": " + reason);
    }
    if (applied != null) {
      pendingRouting = null;
      pendingEndpoints = null;
      pendingSecrets = null;
    }
    if (requests != null) {
      requests.onNext(new StreamRequest(gatewayKey, nodeId, PartVersions.of(applied), rejection));
    }
  }

  private void persist(GatewaySnapshot s) {
    if (file == null) {
      return;
    }
    try {
      file.write(s);
    } catch (IOException e) {
      // The config is applied and serving; only the restart fallback is stale. Not a NACK.
      LOG.log(
          System.Logger.Level.WARNING,
          "could not persist snapshot to " + file.path() + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    try {
      loop.submit(
              () -> {
                closed = true;
                if (call != null) {
                  call.cancel("proxy shutting down", null);
                }
              })
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "snapshot client close: " + e);
    }
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    loop.shutdownNow();
    credentials.close();
  }

  /** Callbacks of one stream; a stale stream's callbacks are ignored after a reconnect. */
  private final class Responses implements StreamObserver<StreamResponse> {
    private final long id;

    Responses(long id) {
      this.id = id;
    }

    @Override
    public void onNext(StreamResponse value) {
      if (id == connection && !closed) {
        onResponse(value);
      }
    }

    @Override
    public void onError(Throwable t) {
      scheduleReconnect(id, t);
    }

    @Override
    public void onCompleted() {
      scheduleReconnect(id, null);
    }
  }
}
