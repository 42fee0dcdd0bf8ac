package dev.gantry.proxy;

import dev.gantry.proxy.server.ConnectionCensus;
import java.time.Duration;

/**
 * What a drain did, phase by phase (also logged).
 *
 * @param atStart connections and requests in flight when readiness started failing
 * @param atListenerClose connections and requests in flight when the listeners closed, after the
 *     drain period
 * @param cut connections still open when the drain timeout expired, closed without waiting (0 in a
 *     clean drain)
 * @param elapsed from the start of the drain to the event loops' shutdown
 */
public record DrainReport(
    ConnectionCensus atStart, ConnectionCensus atListenerClose, long cut, Duration elapsed) {}
