package dev.gantry.proxy.observe;

import java.net.InetSocketAddress;

/**
 * What is known about one finished request, handed from the event loop to the writer thread. Built
 * only for a request that is logged or traced; everything is raw (numbers, references) so the loop
 * pays for the allocation and the queue offer, and formatting happens on the writer thread.
 *
 * @param startMillis wall-clock time the request head arrived
 * @param gateway the proxy's gateway label
 * @param protocol {@code HTTP/1.1}, {@code HTTP/1.0} or {@code HTTP/2}
 * @param status the response status, 0 when the request ended without a response
 * @param route the matched route entry name, or null
 * @param rule the rule name, or null
 * @param cluster the backend cluster name, or null
 * @param upstream the endpoint of the last upstream attempt, or null
 * @param durationNanos head received to response complete
 * @param upstreamNanos start of the answering upstream attempt to its last response byte, or -1
 * @param bytesIn request body bytes received
 * @param bytesOut response body bytes sent
 * @param attempts upstream attempts made
 * @param log whether a log line is written (else the record only ends the span)
 */
public record ExchangeRecord(
    long startMillis,
    String gateway,
    String method,
    String authority,
    String path,
    String protocol,
    int status,
    String route,
    String rule,
    String cluster,
    InetSocketAddress upstream,
    long durationNanos,
    long upstreamNanos,
    long bytesIn,
    long bytesOut,
    int attempts,
    String requestId,
    RequestTrace trace,
    boolean log) {}
