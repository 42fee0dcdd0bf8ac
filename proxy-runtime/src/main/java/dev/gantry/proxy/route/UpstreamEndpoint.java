package dev.gantry.proxy.route;

import dev.gantry.model.routing.AppProtocol;
import java.net.InetSocketAddress;

/**
 * One ready endpoint and how to talk to it. Equal endpoints across configs share upstream pools,
 * which is what carries pooled connections over a reload.
 */
public record UpstreamEndpoint(InetSocketAddress address, AppProtocol protocol) {}
