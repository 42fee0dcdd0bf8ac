package dev.gantry.translator.backend;

import dev.gantry.model.routing.Cluster;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;

/** A cluster together with the Service port it came from, for endpoint resolution. */
public record ResolvedCluster(Cluster cluster, Service service, ServicePort port) {}
