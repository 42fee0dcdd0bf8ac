package dev.gantry.translator.route;

import dev.gantry.translator.gateway.ListenerContext;
import java.util.List;

/**
 * A route attached to one listener of a Gateway ({@code gatewayKey} = namespace/name), serving the
 * effective (intersected) hostnames.
 */
public record Attachment(
    CompiledRoute route, String gatewayKey, ListenerContext listener, List<String> hostnames) {}
