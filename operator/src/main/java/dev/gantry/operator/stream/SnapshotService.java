package dev.gantry.operator.stream;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.stream.PartVersions;
import dev.gantry.model.stream.SnapshotStreamContract;
import dev.gantry.model.stream.StreamRequest;
import dev.gantry.model.stream.StreamResponse;
import dev.gantry.operator.control.ProxyAuthenticator;
import dev.gantry.operator.control.ProxyIdentity;
import dev.gantry.stream.SnapshotStreamMethod;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The snapshot stream, one call per proxy: state of the world per part, sent only when a part's
 * content hash differs from what this stream last sent (or what the proxy said it already runs when
 * it connected, so a proxy restarted from its persisted snapshot is not sent it again).
 *
 * <p>Sends are coalesced under gRPC flow control: while the proxy is slow, newer snapshots replace
 * older unsent ones, so a slow proxy gets the latest state rather than a backlog.
 *
 * <p>Each response may also carry {@code readyReplicas}, whenever that number changed for the
 * stream: a Gateway-wide Local rate limit is divided by it, so it must follow the fleet as it
 * scales. It is Gateway-wide, from the fleet Deployment's {@code status.readyReplicas}, so with
 * several operator replicas every proxy gets the same number whichever replica it is connected to;
 * the proxies connected here serve as a lower bound (see {@link FleetReplicas#divisor}).
 */
public final class SnapshotService {

  private static final System.Logger LOG = System.getLogger(SnapshotService.class.getName());
  private static final Pattern GATEWAY_KEY =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?");

  private final SnapshotStore store;
  private final ProxyAcks acks;
  private final FleetReplicas fleet;
  private final LongAdder pushes = new LongAdder();
  private final Map<String, Set<ProxyStream>> streams = new ConcurrentHashMap<>();
  private final boolean requireIdentity;

  /** Without authentication: every caller may receive any Gateway's snapshot. */
  public SnapshotService(SnapshotStore store, ProxyAcks acks, FleetReplicas fleet) {
    this(store, acks, fleet, false);
  }

  /**
   * @param fleet the ready replicas of each Gateway's fleet Deployment (the rate-limit divisor)
   * @param requireIdentity when true, a stream is served only if {@link
   *     ProxyAuthenticator#IDENTITY} holds an identity that {@link ProxyIdentity#mayReceive} the
   *     Gateway asked for; otherwise it is closed PERMISSION_DENIED before anything is sent
   */
  public SnapshotService(
      SnapshotStore store, ProxyAcks acks, FleetReplicas fleet, boolean requireIdentity) {
    this.store = store;
    this.acks = acks;
    this.fleet = fleet;
    this.requireIdentity = requireIdentity;
    // A proxy of the Gateway became ready or left, or its Deployment's ready count changed: every
    // stream of it may owe a new count.
    Consumer<String> recount =
        gatewayKey -> streams.getOrDefault(gatewayKey, Set.of()).forEach(ProxyStream::drain);
    acks.onChange(recount);
    fleet.onChange(recount);
  }

  /** Responses sent to proxies so far (each carries one or more changed parts). */
  public long pushes() {
    return pushes.sum();
  }

  public ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(SnapshotStreamContract.SERVICE_NAME)
        .addMethod(SnapshotStreamMethod.DESCRIPTOR, ServerCalls.asyncBidiStreamingCall(this::open))
        .build();
  }

  private StreamObserver<StreamRequest> open(StreamObserver<StreamResponse> responses) {
    // The handler runs in the call's context, where the authenticator left the caller's identity.
    ProxyStream stream =
        new ProxyStream(
            (ServerCallStreamObserver<StreamResponse>) responses,
            ProxyAuthenticator.IDENTITY.get());
    stream.out.setOnReadyHandler(stream::drain);
    stream.out.setOnCancelHandler(stream::close);
    return stream;
  }

  /** One proxy's stream. Its methods run on gRPC and reconciler threads, hence the locking. */
  private final class ProxyStream implements StreamObserver<StreamRequest> {
    private final ServerCallStreamObserver<StreamResponse> out;
    private final ProxyIdentity identity;
    private String gatewayKey;
    private String nodeId;
    private Runnable unsubscribe;
    private PartVersions sent = PartVersions.NONE;
    private Integer sentReplicas;
    private GatewaySnapshot latest;
    private boolean closed;

    ProxyStream(ServerCallStreamObserver<StreamResponse> out, ProxyIdentity identity) {
      this.out = out;
      this.identity = identity;
    }

    @Override
    public void onNext(StreamRequest request) {
      Runnable subscribeNow = null;
      synchronized (this) {
        if (closed) {
          return;
        }
        if (gatewayKey == null) {
          if (request.gateway() == null || !GATEWAY_KEY.matcher(request.gateway()).matches()) {
            closed = true;
            out.onError(
                Status.INVALID_ARGUMENT
                    .withDescription(
                        "gateway: " + request.gateway() + " (expected: namespace/name)")
                    .asRuntimeException());
            return;
          }
          if (requireIdentity && (identity == null || !identity.mayReceive(request.gateway()))) {
            closed = true;
            LOG.log(
                System.Logger.Level.WARNING,
                "refused {0}: asked for the snapshot of {1}",
                identity,
                request.gateway());
            out.onError(
                Status.PERMISSION_DENIED
                    .withDescription(
                        "gateway: "
                            + request.gateway()
                            + " (expected: the Gateway whose fleet ServiceAccount is "
                            + identity
                            + ")")
                    .asRuntimeException());
            return;
          }
          if (request.nodeId() == null || request.nodeId().isBlank()) {
            closed = true;
            out.onError(
                Status.INVALID_ARGUMENT
                    .withDescription("nodeId: " + request.nodeId() + " (expected: non-empty)")
                    .asRuntimeException());
            return;
          }
          gatewayKey = request.gateway();
          nodeId = request.nodeId();
          // The proxy already runs these (e.g. from its persisted snapshot): do not resend them.
          sent = request.applied();
          subscribeNow =
              () -> {
                streams.computeIfAbsent(gatewayKey, k -> ConcurrentHashMap.newKeySet()).add(this);
                unsubscribe = store.subscribe(gatewayKey, this::offer);
              };
        } else if (!Objects.equals(gatewayKey, request.gateway()) && request.gateway() != null) {
          closed = true;
          out.onError(
              Status.INVALID_ARGUMENT
                  .withDescription(
                      "gateway: " + request.gateway() + " (expected: " + gatewayKey + ")")
                  .asRuntimeException());
          return;
        }
      }
      acks.record(gatewayKey, nodeId, this, request.applied(), request.rejected());
      if (request.rejected() != null) {
        LOG.log(
            System.Logger.Level.WARNING,
            "proxy {0} of {1} rejected {2}: {3}",
            nodeId,
            gatewayKey,
            request.rejected().versions(),
            request.rejected().reason());
      }
      if (subscribeNow != null) {
        subscribeNow.run();
      }
    }

    private void offer(GatewaySnapshot snapshot) {
      synchronized (this) {
        latest = snapshot;
      }
      drain();
    }

    synchronized void drain() {
      if (closed || latest == null || !out.isReady()) {
        return;
      }
      PartVersions want = PartVersions.of(latest);
      int replicas = fleet.divisor(gatewayKey, acks.readyProxies(gatewayKey));
      StreamResponse response =
          new StreamResponse(
              Objects.equals(want.routing(), sent.routing()) ? null : latest.routing(),
              Objects.equals(want.endpoints(), sent.endpoints()) ? null : latest.endpoints(),
              Objects.equals(want.secrets(), sent.secrets()) ? null : latest.secrets(),
              Objects.equals(sentReplicas, replicas) ? null : replicas);
      if (response.isEmpty()) {
        return;
      }
      sent = want;
      sentReplicas = replicas;
      out.onNext(response);
      pushes.increment();
    }

    @Override
    public void onError(Throwable t) {
      close();
    }

    @Override
    public void onCompleted() {
      close();
      try {
        out.onCompleted();
      } catch (IllegalStateException alreadyClosed) {
        // the call was cancelled concurrently; nothing left to complete
      }
    }

    void close() {
      Runnable unsub;
      synchronized (this) {
        if (closed && unsubscribe == null) {
          return;
        }
        closed = true;
        unsub = unsubscribe;
        unsubscribe = null;
      }
      if (unsub != null) {
        unsub.run();
      }
      if (gatewayKey != null) {
        Set<ProxyStream> ofGateway = streams.get(gatewayKey);
        if (ofGateway != null) {
          ofGateway.remove(this);
        }
        acks.forget(gatewayKey, nodeId, this);
      }
    }
  }
}
