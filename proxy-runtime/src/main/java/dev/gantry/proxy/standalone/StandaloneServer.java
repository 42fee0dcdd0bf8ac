package dev.gantry.proxy.standalone;

import dev.gantry.model.CanonicalJson;
import dev.gantry.model.GatewaySnapshot;
import dev.gantry.proxy.DrainReport;
import dev.gantry.proxy.DrainSettings;
import dev.gantry.proxy.GantryProxy;
import dev.gantry.proxy.ProxySettings;
import dev.gantry.proxy.hardening.HttpLimits;
import dev.gantry.proxy.observe.Observability;
import dev.gantry.proxy.ratelimit.RateLimitSettings;
import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.ResourceSnapshot;
import dev.gantry.translator.TranslationResult;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Standalone mode: serves every Gateway of a Gantry GatewayClass found in a folder of YAML, exactly
 * as the operator and its proxies would in a cluster, and hot-reloads when the folder changes.
 *
 * <p>Each Gateway gets its own {@link GantryProxy} (as each gets its own fleet in a cluster). A
 * change is applied only if the whole folder parses and every snapshot validates; otherwise the
 * running config stays untouched and the reason is logged. Reloads run on one thread, so two
 * changes never race.
 */
public final class StandaloneServer implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(StandaloneServer.class.getName());

  private final ResourceDirectory directory;
  private final String listenAddress;
  private final IntUnaryOperator portMapper;
  private final PrometheusMeterRegistry registry;
  private final Clock clock;
  private final GatewayApiTranslator translator = new GatewayApiTranslator();
  private final ScheduledExecutorService reloader =
      Executors.newSingleThreadScheduledExecutor(
          r -> Thread.ofPlatform().daemon().name("gantry-reload").unstarted(r));
  private final Map<String, GantryProxy> proxies =
      new java.util.concurrent.ConcurrentSkipListMap<>();
  private volatile boolean ready;
  private volatile boolean draining;
  private volatile long reloads;
  private volatile long failedReloads;
  private volatile Map<String, GatewaySnapshot> applied = Map.of();
  private DirectoryWatcher watcher;
  private volatile RateLimitSettings rateLimits = RateLimitSettings.defaults();
  private volatile HttpLimits limits = HttpLimits.DEFAULTS;
  private volatile int eventLoops;
  private volatile Observability observability = Observability.disabled();

  public StandaloneServer(
      ResourceDirectory directory,
      String listenAddress,
      PrometheusMeterRegistry registry,
      Clock clock) {
    this(directory, listenAddress, IntUnaryOperator.identity(), registry, clock);
  }

  /**
   * @param portMapper maps a listener's configured port to the port bound (tests map to 0, an
   *     ephemeral port)
   */
  public StandaloneServer(
      ResourceDirectory directory,
      String listenAddress,
      IntUnaryOperator portMapper,
      PrometheusMeterRegistry registry,
      Clock clock) {
    this.directory = directory;
    this.listenAddress = listenAddress;
    this.portMapper = portMapper;
    this.registry = registry;
    this.clock = clock;
  }

  /** How the proxies started from now on enforce rate limits (call before {@link #start}). */
  public void rateLimits(RateLimitSettings settings) {
    this.rateLimits = settings;
  }

  /**
   * Event loops of each proxy started from now on; 0 = one per CPU (call before {@link #start}).
   */
  public void eventLoops(int eventLoops) {
    this.eventLoops = eventLoops;
  }

  /** The client limits of the proxies started from now on (call before {@link #start}). */
  public void limits(HttpLimits limits) {
    this.limits = limits;
  }

  /**
   * Where the proxies started from now on log requests and export spans (call before {@link
   * #start}); the caller closes it after this server.
   */
  public void observability(Observability observability) {
    this.observability = observability;
  }

  /** Loads and applies the folder once, then watches it (debounced by {@code debounceMillis}). */
  public void start(long debounceMillis) throws IOException {
    start(debounceMillis, null);
  }

  /**
   * @param initial the folder as the caller already read it (the echo backends are derived from
   *     it), used for the first load instead of reading and parsing the folder a second time; null
   *     to read it
   */
  public void start(long debounceMillis, LoadedResources initial) throws IOException {
    try {
      reloader.submit(() -> reload(initial)).get();
    } catch (Exception e) {
      throw new IllegalStateException("initial load failed", e);
    }
    watcher = new DirectoryWatcher(directory.root(), debounceMillis, reloader, this::reload);
    watcher.start();
  }

  /**
   * Reads, translates, validates and applies the folder; on any problem keeps the running config.
   */
  void reload() {
    reload(null);
  }

  private void reload(LoadedResources preloaded) {
    try {
      Map<String, GatewaySnapshot> snapshots = translateFolder(preloaded);
      if (snapshots == null) {
        return;
      }
      apply(snapshots);
      reloads++;
      ready = true;
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "config not applied, the running config is unchanged", e);
      failedReloads++;
    }
  }

  /**
   * The folder's snapshots, or null when it was rejected. A method of its own so that the parsed
   * objects and the translation's working state are unreachable while the snapshots are applied:
   * with 10,000 routes they are most of the heap (see HeapTrim).
   */
  private Map<String, GatewaySnapshot> translateFolder(LoadedResources preloaded) {
    LoadedResources loaded = preloaded != null ? preloaded : directory.load();
    if (!loaded.ok()) {
      reject("the folder has errors", loaded.errors());
      return null;
    }
    TranslationResult result =
        translator.translate(ResourceSnapshot.of(loaded.objects()), clock.instant());
    for (String problem : StatusCheck.problems(result)) {
      LOG.warning(problem);
    }
    List<String> invalid = new ArrayList<>();
    result.snapshots().forEach((gw, s) -> s.errors().forEach(e -> invalid.add(gw + ": " + e)));
    if (!invalid.isEmpty()) {
      reject("a snapshot is invalid", invalid);
      return null;
    }
    return result.snapshots();
  }

  private void reject(String why, List<String> errors) {
    failedReloads++;
    LOG.severe(
        "config not applied ("
            + why
            + "), the running config is unchanged:\n  "
            + String.join("\n  ", errors));
  }

  private void apply(Map<String, GatewaySnapshot> snapshots) {
    for (var it = proxies.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!snapshots.containsKey(e.getKey())) {
        LOG.info("gateway " + e.getKey() + " removed: closing its listeners");
        e.getValue().close();
        it.remove();
      }
    }
    Map<String, GatewaySnapshot> nowApplied = new LinkedHashMap<>();
    snapshots.forEach(
        (gw, snapshot) -> {
          GatewaySnapshot previous = applied.get(gw);
          if (previous != null && previous.version().equals(snapshot.version())) {
            nowApplied.put(gw, previous);
            return;
          }
          GantryProxy proxy =
              proxies.computeIfAbsent(
                  gw,
                  k -> {
                    GantryProxy started =
                        GantryProxy.start(
                            new ProxySettings(
                                listenAddress, portMapper, eventLoops, registry, k, rateLimits),
                            observability);
                    // Before apply binds its listeners, so no connection sees the defaults.
                    started.limits(limits);
                    return started;
                  });
          try {
            proxy.apply(snapshot);
            nowApplied.put(gw, snapshot);
            LOG.info(
                "gateway "
                    + gw
                    + " serving config "
                    + snapshot.version()
                    + describePorts(proxy, snapshot));
          } catch (RuntimeException ex) {
            // A Gateway whose config cannot be applied (e.g. a port already in use) keeps its
            // previous config;
            // the others are independent fleets and still get theirs.
            LOG.severe(
                "gateway "
                    + gw
                    + ": config "
                    + snapshot.version()
                    + " not applied: "
                    + ex.getMessage());
            if (previous != null) {
              nowApplied.put(gw, previous);
            }
          }
        });
    applied = Map.copyOf(nowApplied);
  }

  private static String describePorts(GantryProxy proxy, GatewaySnapshot snapshot) {
    StringBuilder sb = new StringBuilder();
    snapshot
        .routing()
        .listeners()
        .forEach(
            l ->
                sb.append("\n  listener ")
                    .append(l.name())
                    .append(" ")
                    .append(l.protocol())
                    .append(" on port ")
                    .append(proxy.boundPort(l.port())));
    return sb.toString();
  }

  public boolean ready() {
    return ready && !draining && proxies.values().stream().allMatch(GantryProxy::ready);
  }

  /**
   * Graceful shutdown of every Gateway's proxy at once (see {@link GantryProxy#drain}): readiness
   * fails now, the folder is no longer watched, and each proxy drains in parallel. Returns the
   * reports by Gateway; {@link #close()} afterwards only releases what is left.
   */
  public Map<String, DrainReport> drain(DrainSettings settings) {
    draining = true;
    stopWatching();
    Map<String, CompletableFuture<DrainReport>> running = new TreeMap<>();
    proxies.forEach(
        (gw, proxy) ->
            running.put(
                gw,
                CompletableFuture.supplyAsync(
                    () -> proxy.drain(settings),
                    r -> Thread.ofPlatform().name("gantry-drain-" + gw).start(r))));
    Map<String, DrainReport> reports = new TreeMap<>();
    running.forEach((gw, f) -> reports.put(gw, f.join()));
    return reports;
  }

  public long reloads() {
    return reloads;
  }

  public long failedReloads() {
    return failedReloads;
  }

  /** The running snapshots as JSON (secrets redacted), for the admin {@code /config} endpoint. */
  public String configJson() {
    Map<String, Object> out = new TreeMap<>();
    applied.forEach(
        (gw, s) ->
            out.put(
                gw,
                Map.of(
                    "version",
                    s.version(),
                    "snapshot",
                    GatewaySnapshot.of(
                        s.gateway(), s.routing(), s.endpoints(), s.secrets().redacted()))));
    return CanonicalJson.toPrettyJson(out);
  }

  public Map<String, GatewaySnapshot> applied() {
    return applied;
  }

  public GantryProxy proxy(String gateway) {
    return proxies.get(gateway);
  }

  private void stopWatching() {
    try {
      if (watcher != null) {
        watcher.close();
      }
    } catch (IOException e) {
      LOG.fine("closing the watcher: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    stopWatching();
    reloader.shutdownNow();
    try {
      reloader.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    proxies.values().forEach(GantryProxy::close);
    proxies.clear();
  }
}
