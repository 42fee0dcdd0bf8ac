package dev.gantry.proxy.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the admin endpoint serves.
 *
 * @param ready {@code /ready} answers 200 only while this is true, else 503
 * @param configJson {@code /config} body (the running snapshot as JSON)
 * @param registry {@code /metrics} in the Prometheus text format
 */
public record AdminHandlers(
    BooleanSupplier ready, Supplier<String> configJson, PrometheusMeterRegistry registry) {}
