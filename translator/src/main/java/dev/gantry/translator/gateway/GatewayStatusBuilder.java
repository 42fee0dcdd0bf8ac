package dev.gantry.translator.gateway;

import dev.gantry.translator.status.Conditions;
import dev.gantry.translator.status.ConditionsBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** {@link GatewayContext} (after route attachment) → a copy of the Gateway with its status. */
public final class GatewayStatusBuilder {

  public Gateway build(GatewayContext ctx, Instant now) {
    Gateway gw = ctx.gateway;
    Long generation = gw.getMetadata().getGeneration();
    GatewayStatus previous = gw.getStatus();
    List<ListenerStatus> listenerStatuses = new ArrayList<>();
    int invalid = 0;
    int programmed = 0;
    for (ListenerContext l : ctx.listeners) {
      List<Condition> prev = previousListenerConditions(previous, l.name());
      listenerStatuses.add(
          new ListenerStatus(
              l.attachedRoutes,
              listenerConditions(l, prev, generation, now),
              l.name(),
              new ArrayList<>(l.supportedKinds)));
      if (!l.accepted()) {
        invalid++;
      }
      if (l.programmed()) {
        programmed++;
      }
    }

    ConditionsBuilder cb =
        new ConditionsBuilder(previous == null ? null : previous.getConditions(), generation, now);
    boolean accepted;
    if (ctx.rejectReason != null) {
      accepted = false;
      cb.set(Conditions.ACCEPTED, false, ctx.rejectReason, ctx.rejectMessage);
    } else if (invalid == ctx.listeners.size()) {
      accepted = false;
      cb.set(
          Conditions.ACCEPTED,
          false,
          Conditions.REASON_LISTENERS_NOT_VALID,
          "No listener is valid; see status.listeners");
    } else if (invalid > 0) {
      accepted = true;
      cb.set(
          Conditions.ACCEPTED,
          true,
          Conditions.REASON_LISTENERS_NOT_VALID,
          invalid
              + " of "
              + ctx.listeners.size()
              + " listeners are not valid; see status.listeners");
    } else {
      accepted = true;
      cb.set(Conditions.ACCEPTED, true, Conditions.REASON_ACCEPTED, "Gateway is accepted");
    }
    if (FrontendValidationTranslator.insecureFallbackConfigured(ctx)) {
      // Present only while configured, so a reader notices that client authentication is
      // delegated to the backends.
      cb.set(
          Conditions.INSECURE_FRONTEND_VALIDATION_MODE,
          true,
          Conditions.REASON_CONFIGURATION_CHANGED,
          "spec.tls.frontend: AllowInsecureFallback lets clients without a valid certificate in");
    }
    if (accepted && programmed > 0) {
      cb.set(
          Conditions.PROGRAMMED,
          true,
          Conditions.REASON_PROGRAMMED,
          "Gateway is translated into a proxy configuration");
    } else {
      cb.set(
          Conditions.PROGRAMMED,
          false,
          Conditions.REASON_INVALID,
          accepted ? "No listener can be programmed" : "Gateway is not accepted");
    }
    GatewayStatus status =
        new GatewayStatus(new ArrayList<>(ctx.addresses), cb.build(), listenerStatuses);
    return new GatewayBuilder(gw).withStatus(status).build();
  }

  private static List<Condition> listenerConditions(
      ListenerContext l, List<Condition> prev, Long generation, Instant now) {
    ConditionsBuilder cb = new ConditionsBuilder(prev, generation, now);
    if (l.conflictReason != null) {
      String msg = "Listener conflicts with another listener on port " + l.port();
      cb.set(Conditions.ACCEPTED, false, l.conflictReason, msg);
      cb.set(Conditions.PROGRAMMED, false, l.conflictReason, msg);
      cb.set(Conditions.CONFLICTED, true, l.conflictReason, msg);
    } else {
      if (l.acceptedReason != null) {
        cb.set(Conditions.ACCEPTED, false, l.acceptedReason, l.acceptedMessage);
      } else {
        cb.set(Conditions.ACCEPTED, true, Conditions.REASON_ACCEPTED, "Listener is accepted");
      }
      cb.set(Conditions.CONFLICTED, false, Conditions.REASON_NO_CONFLICTS, "No conflicts");
      if (l.programmed()) {
        cb.set(Conditions.PROGRAMMED, true, Conditions.REASON_PROGRAMMED, "Listener is programmed");
      } else {
        cb.set(
            Conditions.PROGRAMMED,
            false,
            Conditions.REASON_INVALID,
            l.acceptedReason != null ? l.acceptedMessage : "Listener references are not resolved");
      }
    }
    if (!l.overlappingWith.isEmpty()) {
      cb.set(
          Conditions.OVERLAPPING_TLS_CONFIG,
          true,
          Conditions.REASON_OVERLAPPING_HOSTNAMES,
          "Hostname overlaps with listener(s) "
              + String.join(", ", l.overlappingWith)
              + " on port "
              + l.port());
    }
    if (l.resolvedRefsReason != null) {
      cb.set(Conditions.RESOLVED_REFS, false, l.resolvedRefsReason, l.resolvedRefsMessage);
    } else {
      cb.set(
          Conditions.RESOLVED_REFS, true, Conditions.REASON_RESOLVED_REFS, "References resolved");
    }
    return cb.build();
  }

  private static List<Condition> previousListenerConditions(GatewayStatus previous, String name) {
    if (previous == null || previous.getListeners() == null) {
      return null;
    }
    for (ListenerStatus s : previous.getListeners()) {
      if (name != null && name.equals(s.getName())) {
        return s.getConditions();
      }
    }
    return null;
  }
}
