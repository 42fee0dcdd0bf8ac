package dev.gantry.proxy.server;

import dev.gantry.model.routing.AppProtocol;
import dev.gantry.model.routing.backend.ConnectionSettings;
import dev.gantry.proxy.balance.RequestHash;
import dev.gantry.proxy.filter.CorsPolicy;
import dev.gantry.proxy.filter.FilterStep;
import dev.gantry.proxy.filter.HeaderOps;
import dev.gantry.proxy.metrics.RouteMetrics;
import dev.gantry.proxy.metrics.UpstreamErrorKind;
import dev.gantry.proxy.observe.ExchangeRecord;
import dev.gantry.proxy.observe.Observability;
import dev.gantry.proxy.observe.RequestTrace;
import dev.gantry.proxy.observe.TraceParent;
import dev.gantry.proxy.ratelimit.RateLimitDecision;
import dev.gantry.proxy.ratelimit.RateLimitStep;
import dev.gantry.proxy.route.CompiledBackend;
import dev.gantry.proxy.route.CompiledCluster;
import dev.gantry.proxy.route.CompiledConfig;
import dev.gantry.proxy.route.CompiledListener;
import dev.gantry.proxy.route.CompiledPort;
import dev.gantry.proxy.route.CompiledRoute;
import dev.gantry.proxy.route.CompiledRule;
import dev.gantry.proxy.route.HostTable;
import dev.gantry.proxy.route.RequestView;
import dev.gantry.proxy.route.UpstreamEndpoint;
import dev.gantry.proxy.tls.SniListenerHandler;
import dev.gantry.proxy.upstream.ClusterLoad;
import dev.gantry.proxy.upstream.ClusterMember;
import dev.gantry.proxy.upstream.RequestAffinity;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One request from head to last response byte, on the client's event loop. Streams the body both
 * ways; keeps a bounded copy of the request body only when the rule retries or mirrors (then a body
 * over {@link #MAX_BUFFERED_BODY} bytes is neither retried nor mirrored). Everything it needs from
 * the config was read once, at its start.
 */
final class HttpExchange implements UpstreamListener {
  /** The largest request body kept for a retry replay or a mirror copy. */
  static final int MAX_BUFFERED_BODY = 64 * 1024;

  static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
  static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
  static final AsciiString RATELIMIT = AsciiString.cached("ratelimit");
  static final AsciiString RATELIMIT_POLICY = AsciiString.cached("ratelimit-policy");
  static final AsciiString X_GANTRY_OVERLOAD = AsciiString.cached("x-gantry-overload");

  private final ProxyHandler owner;
  private final ChannelHandlerContext ctx;
  private final ProxyRuntime rt;
  private final boolean http2;
  private final HttpRequest request;
  private final boolean keepAlive;
  private final long startNanos = System.nanoTime();
  private final long startMillis = System.currentTimeMillis();

  private CompiledConfig config;
  private RouteMetrics metrics;
  private CompiledRule rule;
  private CompiledListener listener;
  private CompiledCluster cluster;
  private String host;
  private String path;
  private String query;
  private String upstreamUri;
  private HttpHeaders upstreamHeaders;
  private List<HeaderOps> responseOps;
  private CorsPolicy cors;
  private String origin;
  private List<MirrorSender.Copy> mirrors;
  private boolean forward;
  private boolean websocket;
  private String hostHeader;

  /** A Global rate-limit check is in flight: the body is queued until it decides. */
  private boolean limitPending;

  /** The {@code RateLimit} header for the response of an allowed request, or null. */
  private String rateLimitHeader;

  private boolean requestComplete;
  private ArrayDeque<HttpContent> queued;
  private boolean keepBody;
  private CompositeByteBuf bodyCopy;
  private boolean bodyOverflow;

  private UpstreamEndpoint endpoint;
  private ClusterMember member;
  private Channel upstream;
  private int attempts;

  /** Bumped on every connection attempt; a connect that completes for an older one is stale. */
  private int generation;

  /** Attempts that failed to connect and went to another endpoint (at most one). */
  private int connectRetries;

  /** The request hash for consistent hashing, or NO_HASH. */
  private long hash = RequestHash.NO_HASH;

  /** The request's hash key and session, or null when neither applies. */
  private RequestAffinity affinity;

  // What this exchange counts against its cluster and endpoint, released exactly once.
  private boolean admitted;
  private boolean memberCounted;
  private boolean pendingCounted;
  private boolean retryHeld;
  private int staleRetries;
  private boolean reusedConnection;
  private long bodyBytes;
  private boolean waitingToRetry;
  private ScheduledFuture<?> requestTimer;
  private ScheduledFuture<?> attemptTimer;
  private boolean upstreamKeepAlive;

  private boolean responseStarted;
  private boolean downstreamUnflushed;
  private boolean responseComplete;
  private boolean done;
  private boolean aborted;
  private int status;

  // Observability: what the access log and the span need once the exchange is over.
  private RequestTrace trace;
  private String routeName;
  private String requestPath;
  private long attemptStartNanos;
  private long upstreamNanos = -1;
  private long responseEndNanos;
  private long bytesOut;
  private boolean observed;

  HttpExchange(ProxyHandler owner, ChannelHandlerContext ctx, ProxyRuntime rt, HttpRequest req) {
    this.owner = owner;
    this.ctx = ctx;
    this.rt = rt;
    this.http2 = owner.isHttp2Stream();
    this.request = req;
    this.keepAlive = http2 || HttpUtil.isKeepAlive(req);
  }

  boolean keepAlive() {
    return keepAlive && !rt.draining();
  }

  boolean isDone() {
    return done;
  }

  // ---------------------------------------------------------------- request head

  void start(CompiledConfig config, int configuredPort) {
    this.config = config;
    HttpHeaders headers = request.headers();
    // First, so that every answer (also a 400 or 404) belongs to a trace.
    trace = rt.observability().startTrace(headers, request.method().name());
    String hostHeader = headers.get(HttpHeaderNames.HOST);
    this.hostHeader = hostHeader;
    if (!http2 && request.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
      // RFC 9112 §3.2: exactly one Host in an HTTP/1.1 request, else 400.
      if (hostHeader == null || headers.getAll(HttpHeaderNames.HOST).size() != 1) {
        metrics = rt.metrics().unmatched();
        respondLocal(400, null, true);
        return;
      }
    }
    String uri = request.uri();
    String target = uri;
    if (!uri.startsWith("/")) {
      int scheme = uri.indexOf("://");
      if (scheme > 0) {
        int slash = uri.indexOf('/', scheme + 3);
        target = slash < 0 ? "/" : uri.substring(slash);
      } else if (!(uri.equals("*") && request.method().equals(HttpMethod.OPTIONS))) {
        metrics = rt.metrics().unmatched();
        respondLocal(400, null, true);
        return;
      }
    }
    host = HostTable.normalizeHost(hostHeader);
    RequestView view = RequestView.of(request.method().name(), target, headers);
    path = view.path();
    requestPath = path;
    query = view.rawQuery();
    CompiledPort port = owner.port(config);
    listener = port == null ? null : port.listener(host);
    if (port != null && port.misdirected(SniListenerHandler.sniHost(ctx.channel()), listener)) {
      // The certificate was chosen for another listener than the Host names (RFC 9110 §15.5.20).
      metrics = rt.metrics().unmatched();
      respondLocal(421, null, false);
      return;
    }
    CompiledRoute route = listener == null ? null : listener.route(host, view);
    if (route == null) {
      metrics = rt.metrics().unmatched();
      respondLocal(404, null, false);
      return;
    }
    metrics = route.metrics();
    rule = route.rule();
    routeName = route.name();
    // Rate limits run after routing and before any filter: the key sees the request as the client
    // sent it, and a limited request costs neither a redirect nor a mirror copy. CORS preflights
    // that the route's CORS filter answers itself are not counted (see RateLimitStep#corsExempt).
    RateLimitStep limits = route.rateLimits();
    if (limits != null
        && !(limits.corsExempt() && CorsPolicy.isPreflight(request.method(), headers))) {
      CompletableFuture<RateLimitDecision> verdict =
          limits.check(view, ctx.channel().remoteAddress(), headers);
      if (!verdict.isDone()) {
        limitPending = true;
        owner.suspendRead(ProxyHandler.SUSPEND_RATE_LIMIT);
        verdict.thenAccept(d -> ctx.executor().execute(() -> onRateLimitDecision(d)));
        return;
      }
      if (!applyRateLimit(verdict.join())) {
        return;
      }
    }
    proceed();
  }

  /** Back on the event loop with the store's answer. */
  private void onRateLimitDecision(RateLimitDecision d) {
    limitPending = false;
    owner.resumeRead(ProxyHandler.SUSPEND_RATE_LIMIT);
    if (done || aborted || responseStarted) {
      releaseQueued();
      return;
    }
    if (applyRateLimit(d)) {
      proceed();
    }
  }

  /** False when the decision answered the request (429 or 503). */
  private boolean applyRateLimit(RateLimitDecision d) {
    if (d.allowed()) {
      rateLimitHeader = d.rateLimit();
      return true;
    }
    HttpHeaders h = new io.netty.handler.codec.http.DefaultHttpHeaders();
    if (d.status() == 429) {
      h.set(RATELIMIT_POLICY, d.rateLimitPolicy());
      h.set(RATELIMIT, d.rateLimit());
      h.set(HttpHeaderNames.RETRY_AFTER, d.retryAfterSeconds());
    }
    // Limits run before the filters, so the rule's CORS filter has not seen this request yet.
    CorsPolicy ruleCors = CorsPolicy.of(rule.filters());
    if (ruleCors != null) {
      ruleCors.refusal(request.headers().get(HttpHeaderNames.ORIGIN), h);
    }
    respondLocal(d.status(), h, false);
    return false;
  }

  /** Everything after routing and rate limiting: filters, backend choice, the first attempt. */
  private void proceed() {
    HttpHeaders headers = request.headers();
    boolean wsUpgrade =
        !http2 && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
    String upgradeValue = headers.get(HttpHeaderNames.UPGRADE);
    boolean chunked = HttpUtil.isTransferEncodingChunked(request);
    if (!runFilters(rule.filters())) {
      return;
    }
    if (rule.directResponseStatus() != 0) {
      respondLocal(rule.directResponseStatus(), null, false);
      return;
    }
    CompiledBackend backend = rule.backends().pick();
    if (backend.cluster() == null) {
      respondLocal(backend.errorStatus(), null, false);
      return;
    }
    if (!runFilters(backend.filters())) {
      return;
    }
    cluster = backend.cluster();
    if (!cluster.hasEndpoints()) {
      respondLocal(503, null, false);
      return;
    }
    if (!cluster.load().tryStartRequest(cluster.limits())) {
      overloaded(ClusterLoad.MAX_REQUESTS);
      return;
    }
    admitted = true;
    affinity =
        RequestAffinity.of(
            rule.sessionPersistence(), cluster, headers, ctx.channel().remoteAddress());
    if (affinity != null) {
      hash = affinity.hash();
    }
    websocket = wsUpgrade && cluster.protocol() == AppProtocol.WS;
    upstreamHeaders = prepareUpstreamHeaders(headers, hostHeader, chunked);
    if (websocket) {
      upstreamHeaders.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      upstreamHeaders.set(HttpHeaderNames.UPGRADE, upgradeValue);
    }
    upstreamUri = query == null ? path : path + '?' + query;
    forward = true;
    keepBody = rule.needsBody();
    if (keepBody) {
      bodyCopy = ctx.alloc().compositeBuffer(64);
      if (queued != null) {
        // Body that arrived while a rate-limit check was pending.
        for (HttpContent c : queued) {
          keepCopy(c);
        }
      }
    }
    if (rule.requestTimeoutMs() > 0) {
      requestTimer =
          ctx.executor()
              .schedule(this::onRequestTimeout, rule.requestTimeoutMs(), TimeUnit.MILLISECONDS);
    }
    startAttempt();
    if (requestComplete && queued != null) {
      // The whole body arrived while the rate-limit check was pending.
      sendMirrors();
    }
  }

  /** Runs filter steps in order; false when one of them answered the request itself. */
  private boolean runFilters(FilterStep[] steps) {
    for (FilterStep step : steps) {
      switch (step) {
        case FilterStep.RequestHeaders s -> s.ops().apply(request.headers());
        case FilterStep.ResponseHeaders s -> {
          if (responseOps == null) {
            responseOps = new ArrayList<>(2);
          }
          responseOps.add(s.ops());
        }
        case FilterStep.Redirect s -> {
          String location =
              s.action().location(listener.scheme(), host, listener.port(), path, query);
          HttpHeaders h = new io.netty.handler.codec.http.DefaultHttpHeaders();
          h.set(HttpHeaderNames.LOCATION, location);
          respondLocal(s.action().statusCode(), h, false);
          return false;
        }
        case FilterStep.Rewrite s -> {
          if (s.hostname() != null) {
            request.headers().set(HttpHeaderNames.HOST, s.hostname());
          }
          if (s.path() != null) {
            path = s.path().rewrite(path);
          }
        }
        case FilterStep.Mirror s -> {
          if (s.sampled()) {
            CompiledCluster target = config.cluster(s.cluster());
            if (target != null) {
              if (mirrors == null) {
                mirrors = new ArrayList<>(1);
              }
              HttpHeaders copy = request.headers().copy();
              HopByHop.strip(copy);
              mirrors.add(
                  new MirrorSender.Copy(
                      target, request.method(), query == null ? path : path + '?' + query, copy));
            }
          }
        }
        case FilterStep.CorsStep s -> {
          if (CorsPolicy.isPreflight(request.method(), request.headers())) {
            HttpHeaders h = new io.netty.handler.codec.http.DefaultHttpHeaders();
            s.policy().preflight(request.headers(), h);
            respondLocal(204, h, false);
            return false;
          }
          cors = s.policy();
          origin = request.headers().get(HttpHeaderNames.ORIGIN);
        }
      }
    }
    return true;
  }

  private HttpHeaders prepareUpstreamHeaders(
      HttpHeaders headers, String originalHost, boolean chunked) {
    HopByHop.strip(headers);
    if (chunked && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    String client = owner.clientAddress();
    if (client != null) {
      String prior = headers.get(X_FORWARDED_FOR);
      headers.set(X_FORWARDED_FOR, prior == null ? client : prior + ", " + client);
    }
    headers.set(X_FORWARDED_PROTO, listener.scheme());
    if (originalHost != null) {
      headers.set(X_FORWARDED_HOST, originalHost);
    }
    if (!headers.contains(X_REQUEST_ID)) {
      headers.set(X_REQUEST_ID, newRequestId());
    }
    return headers;
  }

  /**
   * A version-4 UUID in its text form, written straight into one array (this runs for every request
   * that comes without an id). ThreadLocalRandom, not SecureRandom: request ids need uniqueness,
   * not secrecy.
   */
  static AsciiString newRequestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lsb = (r.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    byte[] b = new byte[36];
    TraceParent.writeHex(b, 0, msb >>> 32, 8);
    b[8] = '-';
    TraceParent.writeHex(b, 9, msb >>> 16, 4);
    b[13] = '-';
    TraceParent.writeHex(b, 14, msb, 4);
    b[18] = '-';
    TraceParent.writeHex(b, 19, lsb >>> 48, 4);
    b[23] = '-';
    TraceParent.writeHex(b, 24, lsb, 12);
    return new AsciiString(b, false);
  }

  // ---------------------------------------------------------------- request body

  void onRequestContent(HttpContent content) {
    if (content.decoderResult().isFailure()) {
      content.release();
      // A broken body (bad chunk): nothing sane can follow on this connection.
      if (!responseStarted) {
        releaseUpstream(false);
        respondLocal(400, null, true);
      } else {
        abortClient();
      }
      return;
    }
    boolean last = content instanceof LastHttpContent;
    bodyBytes += content.content().readableBytes();
    if (limitPending && !aborted && !responseComplete) {
      if (queued == null) {
        queued = new ArrayDeque<>(4);
      }
      queued.add(content);
    } else if (!forward || aborted || responseComplete) {
      content.release();
    } else {
      keepCopy(content);
      if (upstream != null && attempts == 1) {
        upstream.write(content, upstream.voidPromise());
        flushUpstream();
        if (!upstream.isWritable() && !(http2 && endpoint.protocol() == AppProtocol.H2C)) {
          // Known gap: pausing an HTTP/2 downstream stream while its h2c upstream stream is
          // unwritable stalls the upload for good (the upstream stream never turns writable again;
          // reproduced with 3 MiB uploads). Until that is understood, HTTP/2 → h2c uploads rely on
          // the client's HTTP/2 flow control alone, so their buffering is not bounded here.
          owner.suspendRead(ProxyHandler.SUSPEND_BACKPRESSURE);
        }
      } else if (attempts == 1 && endpoint != null) {
        if (queued == null) {
          queued = new ArrayDeque<>(4);
        }
        queued.add(content);
      } else {
        // A later attempt replays the kept copy in one piece.
        content.release();
      }
    }
    if (last) {
      requestComplete = true;
      if (forward && !aborted) {
        sendMirrors();
        if (waitingToRetry) {
          waitingToRetry = false;
          startAttempt();
        }
      }
      maybeDone();
    }
  }

  private void keepCopy(HttpContent content) {
    if (keepBody && !bodyOverflow) {
      if (bodyCopy.readableBytes() + content.content().readableBytes() > MAX_BUFFERED_BODY) {
        bodyOverflow = true;
        bodyCopy.release();
        bodyCopy = null;
      } else if (content.content().isReadable()) {
        bodyCopy.addComponent(true, content.content().retainedDuplicate());
      }
    }
  }

  private void sendMirrors() {
    if (mirrors == null) {
      return;
    }
    for (MirrorSender.Copy m : mirrors) {
      if (bodyOverflow) {
        continue;
      }
      io.netty.buffer.ByteBuf body =
          bodyCopy == null ? Unpooled.EMPTY_BUFFER : bodyCopy.retainedDuplicate();
      MirrorSender.send(rt, ctx.channel().eventLoop(), m, body);
    }
    mirrors = null;
  }

  // ---------------------------------------------------------------- upstream attempts

  private void startAttempt() {
    startAttempt(false);
  }

  /**
   * Picks an endpoint (another one than the last, on a retry) and connects. {@code sameAttempt}:
   * the previous try never reached an upstream, so this one is still the same attempt (its queued
   * body has not been sent anywhere).
   */
  private void startAttempt(boolean sameAttempt) {
    if (!sameAttempt) {
      attempts++;
    }
    generation++;
    ClusterMember previous = member;
    endAttemptCount();
    if (previous != null) {
      member = cluster.pickOther(hash, previous);
    } else if (affinity != null && affinity.sticky() != null) {
      member = affinity.sticky();
    } else {
      member = cluster.pick(hash);
    }
    if (member == null) {
      // Every endpoint is unhealthy or ejected.
      cluster.metrics().error(UpstreamErrorKind.NO_HEALTHY_ENDPOINT);
      respondLocal(503, null, false);
      return;
    }
    endpoint = member.endpoint();
    attemptStartNanos = System.nanoTime();
    member.state().requestStarted();
    memberCounted = true;
    UpstreamPool pool = rt.pool(ctx.channel().eventLoop());
    ConnectionSettings cs = cluster.connection();
    boolean fresh = websocket || (staleRetries > 0 && endpoint.protocol() != AppProtocol.H2C);
    if ((fresh || pool.needsConnection(endpoint, cs))
        && cluster.openConnections() >= cluster.limits().maxConnections()) {
      cluster.load().connectionRefused();
      overloaded(ClusterLoad.MAX_CONNECTIONS);
      return;
    }
    Future<Channel> f = fresh ? pool.connectDedicated(member, cs) : pool.acquire(member, cs);
    int attempt = generation;
    ClusterMember m = member;
    if (f.isDone()) {
      onAcquired(f, attempt, m);
      return;
    }
    f.addListener(x -> onAcquired(f, attempt, m));
    if (!cluster.load().tryStartPending(cluster.limits())) {
      // The connection still completes and joins the pool (onAcquired sees a stale attempt).
      overloaded(ClusterLoad.MAX_PENDING);
      return;
    }
    pendingCounted = true;
  }

  private void onAcquired(Future<Channel> f, int attempt, ClusterMember m) {
    if (attempt == generation) {
      endPending();
    }
    if (attempt != generation || aborted || responseStarted) {
      // The exchange moved on (timeout, client gone) while connecting: give the connection back.
      if (f.isSuccess()) {
        rt.pool(ctx.channel().eventLoop()).release(m.endpoint(), f.getNow(), true);
      }
      return;
    }
    if (!f.isSuccess()) {
      cluster.metrics().error(UpstreamErrorKind.CONNECT);
      cluster.reportFailure(m);
      if (connectRetries == 0 && !websocket && tryRetryToken()) {
        // The request never reached an upstream, so another endpoint may always have it, with
        // or without a retry policy (within the retry budget).
        connectRetries++;
        startAttempt(attempts == 1);
        return;
      }
      retryOrFail(503);
      return;
    }
    upstream = f.getNow();
    UpstreamHandler h = upstream.pipeline().get(UpstreamHandler.class);
    h.attach(this);
    reusedConnection = h.reused();
    if (rule.backendTimeoutMs() > 0) {
      attemptTimer =
          ctx.executor()
              .schedule(this::onAttemptTimeout, rule.backendTimeoutMs(), TimeUnit.MILLISECONDS);
    }
    // Later attempts need the headers as prepared, so only a retrying rule pays for a copy.
    HttpHeaders headers = rule.retry() == null ? upstreamHeaders : upstreamHeaders.copy();
    HttpRequest head =
        new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), upstreamUri, headers);
    upstream.write(head, upstream.voidPromise());
    if (attempts == 1) {
      // The first attempt (possibly on a second endpoint after a refused connect): the body
      // queued while connecting goes now, the rest streams through onRequestContent.
      if (queued != null) {
        HttpContent c;
        while ((c = queued.poll()) != null) {
          upstream.write(c, upstream.voidPromise());
        }
      }
    } else {
      io.netty.buffer.ByteBuf body =
          bodyCopy == null ? Unpooled.EMPTY_BUFFER : bodyCopy.retainedDuplicate();
      upstream.write(new DefaultLastHttpContent(body), upstream.voidPromise());
    }
    flushUpstream();
    if (!upstream.isWritable()) {
      owner.suspendRead(ProxyHandler.SUSPEND_BACKPRESSURE);
    }
  }

  /** At the end of this event-loop batch, with the other requests that arrived in it. */
  private void flushUpstream() {
    LoopFlusher.flushLater(upstream);
  }

  private boolean canRetry() {
    return rule.retry() != null
        && attempts <= rule.retry().attempts()
        && !bodyOverflow
        && !responseStarted
        && !aborted
        && tryRetryToken();
  }

  /**
   * Takes a place in the cluster's retry budget (and circuit breaker) for the rest of the exchange;
   * true when this exchange holds one.
   */
  private boolean tryRetryToken() {
    if (!retryHeld) {
      retryHeld = cluster.load().tryStartRetry(cluster.limits(), cluster.retryBudget());
    }
    return retryHeld;
  }

  private void retryOrFail(int failStatus) {
    releaseUpstream(false);
    cancel(attemptTimer);
    attemptTimer = null;
    if (canRetry()) {
      releaseQueued();
      Long backoff = rule.retry().backoffMs();
      if (backoff != null && backoff > 0) {
        ctx.executor().schedule(this::retryNow, backoff, TimeUnit.MILLISECONDS);
      } else {
        ctx.executor().execute(this::retryNow);
      }
    } else {
      respondLocal(failStatus, null, false);
    }
  }

  private void retryNow() {
    if (aborted || responseStarted) {
      return;
    }
    if (!requestComplete) {
      waitingToRetry = true;
      return;
    }
    startAttempt();
  }

  private void onAttemptTimeout() {
    attemptTimer = null;
    if (responseStarted || aborted) {
      return;
    }
    cluster.metrics().error(UpstreamErrorKind.TIMEOUT);
    cluster.reportFailure(member);
    retryOrFail(504);
  }

  private void onRequestTimeout() {
    requestTimer = null;
    if (responseComplete || aborted) {
      return;
    }
    cluster.metrics().error(UpstreamErrorKind.TIMEOUT);
    if (!responseStarted) {
      releaseUpstream(false);
      respondLocal(504, null, false);
    } else {
      abortClient();
    }
  }

  // ---------------------------------------------------------------- upstream events

  @Override
  public void onUpstreamRead(Object msg) {
    if (msg instanceof HttpResponse r) {
      int code = r.status().code();
      if (websocket && code == 101) {
        splice(r);
        return;
      }
      if (code < 200 || responseStarted) {
        // Interim responses (100 Continue, 103) are not relayed.
        ReferenceCountUtil.release(msg);
        return;
      }
      if (code >= 500) {
        cluster.report5xx(member);
      } else {
        cluster.reportSuccess(member);
      }
      if (rule.retriesOn(code) && canRetry()) {
        ReferenceCountUtil.release(msg);
        cluster.metrics().response(code, System.nanoTime() - attemptStartNanos);
        cluster.metrics().error(UpstreamErrorKind.RETRIED_STATUS);
        retryOrFail(code);
        return;
      }
      cancel(attemptTimer);
      attemptTimer = null;
      responseStarted = true;
      status = code;
      upstreamKeepAlive = HttpUtil.isKeepAlive(r);
      HttpHeaders h = r.headers();
      HopByHop.strip(h);
      if (responseOps != null) {
        for (HeaderOps ops : responseOps) {
          ops.apply(h);
        }
      }
      if (cors != null) {
        cors.actual(origin, h);
      }
      if (rateLimitHeader != null) {
        h.set(RATELIMIT, rateLimitHeader);
      }
      if (affinity != null) {
        affinity.decorate(h, member);
      }
      if (!h.contains(HttpHeaderNames.CONTENT_LENGTH) && code != 204 && code != 304) {
        h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
      if (!http2 && !keepAlive()) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
      ctx.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status(), h), ctx.voidPromise());
      if (msg instanceof HttpContent c) {
        onResponseContent(new DefaultLastHttpContent(c.content()));
      } else {
        // The body usually arrived in the same read: the head is flushed with it (or at the end
        // of this read batch), one write to the client instead of two.
        downstreamUnflushed = true;
      }
    } else if (msg instanceof HttpContent c) {
      if (!responseStarted || responseComplete) {
        c.release();
        return;
      }
      onResponseContent(c);
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  private void onResponseContent(HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    bytesOut += c.content().readableBytes();
    if (last) {
      downstreamUnflushed = false;
      // With the other exchanges' responses of this batch (see LoopFlusher).
      ctx.write(c, ctx.voidPromise());
      LoopFlusher.flushLater(ctx.channel());
    } else {
      // Chunks read in one batch go out in one write, at the end of the batch.
      ctx.write(c, ctx.voidPromise());
      downstreamUnflushed = true;
    }
    if (!last) {
      if (!ctx.channel().isWritable() && upstream != null) {
        upstream.config().setAutoRead(false);
      }
      return;
    }
    responseComplete = true;
    responseEndNanos = System.nanoTime();
    upstreamNanos = responseEndNanos - attemptStartNanos;
    cluster.metrics().response(status, upstreamNanos);
    cancelTimers();
    releaseUpstream(requestComplete && upstreamKeepAlive);
    releaseLoad();
    metrics.record(status, startNanos);
    maybeDone();
  }

  @Override
  public void onUpstreamReadComplete() {
    if (downstreamUnflushed) {
      downstreamUnflushed = false;
      ctx.flush();
    }
  }

  @Override
  public void onUpstreamInactive() {
    upstreamGone(UpstreamErrorKind.RESET);
  }

  @Override
  public void onUpstreamException(Throwable cause) {
    upstreamGone(UpstreamErrorKind.ERROR);
  }

  private void upstreamGone(UpstreamErrorKind kind) {
    if (upstream == null) {
      return;
    }
    Channel ch = upstream;
    upstream = null;
    ch.close();
    if (responseComplete || aborted) {
      return;
    }
    cluster.metrics().error(kind);
    if (!reusedConnection || responseStarted) {
      // A reused connection that died before answering is usually the keep-alive race below,
      // not the endpoint's fault.
      cluster.reportFailure(member);
    }
    if (responseStarted) {
      abortClient();
    } else if (rule.retry() == null
        && reusedConnection
        && requestComplete
        && bodyBytes == 0
        && staleRetries == 0) {
      // A pooled connection the upstream had already closed (keep-alive race): a bodyless request
      // gets one more try on a fresh connection. Rules with a retry policy use their own budget.
      staleRetries++;
      cancel(attemptTimer);
      attemptTimer = null;
      releaseQueued();
      startAttempt();
    } else {
      retryOrFail(503);
    }
  }

  @Override
  public void onUpstreamWritabilityChanged() {
    if (upstream != null && upstream.isWritable()) {
      owner.resumeRead(ProxyHandler.SUSPEND_BACKPRESSURE);
    }
  }

  void onClientWritabilityChanged() {
    if (upstream != null && ctx.channel().isWritable()) {
      upstream.config().setAutoRead(true);
    }
  }

  // ---------------------------------------------------------------- WebSocket

  private void splice(HttpResponse switching) {
    cancelTimers();
    responseStarted = true;
    responseComplete = true;
    status = 101;
    Channel up = upstream;
    upstream = null;
    up.pipeline().get(UpstreamHandler.class).detach();
    HttpHeaders h = switching.headers().copy();
    ReferenceCountUtil.release(switching);
    FullHttpResponse out =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS, Unpooled.EMPTY_BUFFER);
    out.headers().set(h);
    metrics.record(101, startNanos);
    responseEndNanos = System.nanoTime();
    upstreamNanos = responseEndNanos - attemptStartNanos;
    cluster.metrics().response(101, upstreamNanos);
    requestComplete = true;
    done = true;
    cleanup();
    observeEnd();
    ctx.writeAndFlush(out);
    owner.spliceTo(up);
  }

  // ---------------------------------------------------------------- local answers & lifecycle

  /** A fast 503 from the circuit breaker: no upstream request, the header names the limit. */
  private void overloaded(String limit) {
    HttpHeaders h = new io.netty.handler.codec.http.DefaultHttpHeaders();
    h.set(X_GANTRY_OVERLOAD, limit);
    respondLocal(503, h, false);
  }

  /** Answers without (further) forwarding; {@code close} marks a protocol error. */
  private void respondLocal(int code, HttpHeaders extra, boolean close) {
    if (responseStarted) {
      abortClient();
      return;
    }
    responseStarted = true;
    responseComplete = true;
    responseEndNanos = System.nanoTime();
    status = code;
    cancelTimers();
    releaseUpstream(false);
    releaseLoad();
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(code), Unpooled.EMPTY_BUFFER);
    if (extra != null) {
      r.headers().set(extra);
    }
    r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (close) {
      owner.closeAfterResponse();
    }
    if (!http2 && (close || !keepAlive())) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    ctx.writeAndFlush(r, ctx.voidPromise());
    if (metrics != null) {
      metrics.record(code, startNanos);
    }
    if (close) {
      // Protocol errors end the connection: nothing after a broken message can be trusted.
      requestComplete = true;
    }
    maybeDone();
  }

  private void maybeDone() {
    if (!done && responseComplete && requestComplete) {
      done = true;
      cleanup();
      observeEnd();
      owner.exchangeDone(this);
    }
  }

  /** The client vanished or the response cannot be completed: drop everything. */
  void abort() {
    if (aborted || done) {
      return;
    }
    aborted = true;
    releaseUpstream(false);
    cleanup();
    observeEnd();
  }

  /**
   * Hands the finished request to the access log and the span exporter, when either wants it. A
   * request without a complete response is reported with status 0 (always logged, span error).
   */
  private void observeEnd() {
    if (observed) {
      return;
    }
    observed = true;
    Observability obs = rt.observability();
    int reported = responseComplete ? status : 0;
    boolean log = obs.logs(reported);
    if (!log && (trace == null || trace.span() == null)) {
      return;
    }
    long end = responseEndNanos != 0 ? responseEndNanos : System.nanoTime();
    obs.finished(
        new ExchangeRecord(
            startMillis,
            rt.metrics().gateway(),
            request.method().name(),
            hostHeader,
            requestPath,
            http2 ? "HTTP/2" : request.protocolVersion().text(),
            reported,
            routeName,
            rule == null ? null : rule.name(),
            cluster == null ? null : cluster.name(),
            endpoint == null ? null : endpoint.address(),
            end - startNanos,
            upstreamNanos,
            bodyBytes,
            bytesOut,
            attempts,
            request.headers().get(X_REQUEST_ID),
            trace,
            log));
  }

  private void abortClient() {
    abort();
    ctx.close();
  }

  private void releaseUpstream(boolean reusable) {
    if (upstream != null) {
      Channel ch = upstream;
      upstream = null;
      rt.pool(ctx.channel().eventLoop()).release(endpoint, ch, reusable);
    }
    owner.resumeRead(ProxyHandler.SUSPEND_BACKPRESSURE);
  }

  private void releaseQueued() {
    if (queued != null) {
      HttpContent c;
      while ((c = queued.poll()) != null) {
        c.release();
      }
    }
  }

  /** Ends what this exchange counts on its endpoint and cluster (idempotent). */
  private void releaseLoad() {
    endAttemptCount();
    endPending();
    if (admitted) {
      admitted = false;
      cluster.load().requestEnded();
    }
    if (retryHeld) {
      retryHeld = false;
      cluster.load().retryEnded();
    }
  }

  private void endAttemptCount() {
    if (memberCounted) {
      memberCounted = false;
      member.state().requestEnded();
    }
  }

  private void endPending() {
    if (pendingCounted) {
      pendingCounted = false;
      cluster.load().pendingEnded();
    }
  }

  private void cleanup() {
    releaseLoad();
    cancelTimers();
    releaseQueued();
    if (bodyCopy != null) {
      bodyCopy.release();
      bodyCopy = null;
    }
    mirrors = null;
  }

  private void cancelTimers() {
    cancel(requestTimer);
    cancel(attemptTimer);
    requestTimer = null;
    attemptTimer = null;
  }

  private static void cancel(ScheduledFuture<?> f) {
    if (f != null) {
      f.cancel(false);
    }
  }
}
