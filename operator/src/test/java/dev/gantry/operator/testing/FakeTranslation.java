package dev.gantry.operator.testing;

import dev.gantry.model.GatewaySnapshot;
import dev.gantry.model.SourceRef;
import dev.gantry.model.endpoints.EndpointsConfig;
import dev.gantry.model.routing.Backend;
import dev.gantry.model.routing.Cluster;
import dev.gantry.model.routing.Listener;
import dev.gantry.model.routing.ListenerProtocol;
import dev.gantry.model.routing.PathMatch;
import dev.gantry.model.routing.PathMatchType;
import dev.gantry.model.routing.RouteEntry;
import dev.gantry.model.routing.RouteMatch;
import dev.gantry.model.routing.RoutingConfig;
import dev.gantry.model.routing.Rule;
import dev.gantry.model.routing.VirtualHost;
import dev.gantry.model.secrets.SecretsConfig;
import dev.gantry.operator.Translation;
import dev.gantry.operator.input.ObjectKeys;
import dev.gantry.translator.GatewayApiTranslator;
import dev.gantry.translator.ResourceSnapshot;
import dev.gantry.translator.TranslationResult;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatusBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the translator (still a skeleton on this branch), just rich enough to exercise the
 * operator: one route entry per HTTPRoute rule (its first path prefix), Accepted/Programmed on the
 * Gateway, Accepted/ResolvedRefs on each route parent, Accepted on the class. A Gateway whose
 * listener is named "invalid" gets Programmed False, like the real translator does for bad input; a
 * Gateway named "explode" makes it throw, standing in for a translator bug.
 */
public final class FakeTranslation implements Translation {

  private final AtomicInteger calls = new AtomicInteger();

  public int calls() {
    return calls.get();
  }

  @Override
  public TranslationResult translate(ResourceSnapshot in, Instant now) {
    calls.incrementAndGet();
    if (in.gateways().stream().anyMatch(g -> g.getMetadata().getName().equals("explode"))) {
      throw new IllegalStateException("translator bug triggered by Gateway explode");
    }
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    TreeMap<String, GatewaySnapshot> snapshots = new TreeMap<>();
    List<Gateway> gateways = new ArrayList<>();
    List<HTTPRoute> routes = new ArrayList<>();
    for (Gateway g : in.gateways()) {
      String key = ObjectKeys.key(g);
      SourceRef gwRef =
          SourceRef.of("Gateway", g.getMetadata().getNamespace(), g.getMetadata().getName());
      List<Rule> rules = new ArrayList<>();
      List<RouteEntry> entries = new ArrayList<>();
      TreeSet<String> clusters = new TreeSet<>();
      for (HTTPRoute r : in.httpRoutes()) {
        String ns = r.getMetadata().getNamespace();
        SourceRef rRef = SourceRef.of("HTTPRoute", ns, r.getMetadata().getName());
        List<HTTPRouteRule> rr =
            r.getSpec().getRules() == null ? List.of() : r.getSpec().getRules();
        for (int i = 0; i < rr.size(); i++) {
          String ruleName = "httproute/" + ns + "/" + r.getMetadata().getName() + "/rule/" + i;
          List<Backend> backends = new ArrayList<>();
          for (HTTPBackendRef b :
              rr.get(i).getBackendRefs() == null
                  ? List.<HTTPBackendRef>of()
                  : rr.get(i).getBackendRefs()) {
            String cluster =
                "service/"
                    + (b.getNamespace() == null ? ns : b.getNamespace())
                    + "/"
                    + b.getName()
                    + "/"
                    + b.getPort();
            clusters.add(cluster);
            backends.add(
                new Backend(
                    cluster,
                    b.getWeight() == null ? 1 : b.getWeight(),
                    null,
                    List.of(),
                    rRef.withSection(String.valueOf(i))));
          }
          String path =
              rr.get(i).getMatches() == null
                      || rr.get(i).getMatches().isEmpty()
                      || rr.get(i).getMatches().get(0).getPath() == null
                  ? "/"
                  : rr.get(i).getMatches().get(0).getPath().getValue();
          rules.add(
              new Rule(
                  ruleName,
                  rRef.withSection(String.valueOf(i)),
                  List.of(),
                  backends,
                  backends.isEmpty() ? 500 : null,
                  null,
                  null,
                  List.of()));
          entries.add(
              new RouteEntry(
                  ruleName + "/match/0",
                  rRef.withSection(String.valueOf(i)),
                  new RouteMatch(
                      new PathMatch(PathMatchType.PATH_PREFIX, path), List.of(), List.of(), null),
                  ruleName));
        }
        routes.add(routeWithStatus(r, key, now, time));
      }
      List<Listener> listeners =
          g.getSpec().getListeners().stream()
              .map(
                  l ->
                      new Listener(
                          l.getName(),
                          gwRef.withSection(l.getName()),
                          l.getPort(),
                          ListenerProtocol.HTTP,
                          null,
                          null,
                          List.of(new VirtualHost("*", entries))))
              .toList();
      RoutingConfig routing =
          RoutingConfig.of(
              listeners,
              rules,
              clusters.stream()
                  .map(
                      c -> {
                        String[] p = c.split("/");
                        return new Cluster(
                            c, SourceRef.of("Service", p[1], p[2]).withSection(p[3]), null);
                      })
                  .toList());
      snapshots.put(
          key,
          GatewaySnapshot.of(
              gwRef, routing, EndpointsConfig.of(List.of()), SecretsConfig.of(List.of())));
      boolean invalid =
          g.getSpec().getListeners().stream().anyMatch(l -> "invalid".equals(l.getName()));
      long gen = g.getMetadata().getGeneration() == null ? 1 : g.getMetadata().getGeneration();
      gateways.add(
          new GatewayBuilder(g)
              .withNewStatus()
              .withConditions(
                  cond("Accepted", "True", "Accepted", "Gateway accepted", gen, time),
                  invalid
                      ? cond(
                          "Programmed",
                          "False",
                          "Invalid",
                          "listener invalid: unsupported",
                          gen,
                          time)
                      : cond("Programmed", "True", "Programmed", "translated", gen, time))
              .endStatus()
              .build());
    }
    List<GatewayClass> classes = new ArrayList<>();
    for (GatewayClass c : in.gatewayClasses()) {
      if (GatewayApiTranslator.CONTROLLER_NAME.equals(c.getSpec().getControllerName())) {
        long gen = c.getMetadata().getGeneration() == null ? 1 : c.getMetadata().getGeneration();
        classes.add(
            new GatewayClassBuilder(c)
                .withNewStatus()
                .withConditions(
                    cond("Accepted", "True", "Accepted", "Handled by Gantry", gen, time))
                .endStatus()
                .build());
      }
    }
    return new TranslationResult(snapshots, classes, gateways, routes);
  }

  private static HTTPRoute routeWithStatus(
      HTTPRoute r, String gatewayKey, Instant now, String time) {
    long gen = r.getMetadata().getGeneration() == null ? 1 : r.getMetadata().getGeneration();
    List<RouteParentStatus> parents = new ArrayList<>();
    if (r.getStatus() != null && r.getStatus().getParents() != null) {
      r.getStatus().getParents().stream()
          .filter(p -> !GatewayApiTranslator.CONTROLLER_NAME.equals(p.getControllerName()))
          .forEach(parents::add);
    }
    for (ParentReference ref : r.getSpec().getParentRefs()) {
      if (gatewayKey.equals(ObjectKeys.gatewayKey(ref, r.getMetadata().getNamespace()))) {
        parents.add(
            new RouteParentStatusBuilder()
                .withControllerName(GatewayApiTranslator.CONTROLLER_NAME)
                .withParentRef(ref)
                .withConditions(
                    cond("Accepted", "True", "Accepted", "Route accepted", gen, time),
                    cond(
                        "ResolvedRefs",
                        "True",
                        "ResolvedRefs",
                        "All references resolved",
                        gen,
                        time))
                .build());
      }
    }
    return new HTTPRouteBuilder(r).withNewStatus().withParents(parents).endStatus().build();
  }

  static Condition cond(
      String type, String status, String reason, String message, long gen, String time) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(gen)
        .withLastTransitionTime(time)
        .build();
  }
}
