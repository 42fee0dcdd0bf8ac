package dev.gantry.operator.input;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendTLSPolicy;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.FrontendTLSConfig;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.LocalPolicyTargetReferenceWithSectionName;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.TLSConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What client-certificate validation (Gateway {@code spec.tls.frontend}) and BackendTLSPolicies
 * make a Gateway's translation read: CA bundles in ConfigMaps or Secrets, and the policies that
 * target the Services its routes forward to. Keys are {@code Kind/namespace/name} for CA objects,
 * {@code namespace/name} for Services.
 */
public final class TlsInputs {
  private TlsInputs() {}

  /** The CA objects the Gateway's frontend validation references ({@code Kind/ns/name}). */
  public static Set<String> frontendCaRefs(Gateway gateway) {
    Set<String> out = new TreeSet<>();
    FrontendTLSConfig fe =
        gateway.getSpec() == null || gateway.getSpec().getTls() == null
            ? null
            : gateway.getSpec().getTls().getFrontend();
    if (fe == null) {
      return out;
    }
    List<TLSConfig> configs = new ArrayList<>();
    configs.add(fe.getDefault());
    if (fe.getPerPort() != null) {
      fe.getPerPort().forEach(p -> configs.add(p == null ? null : p.getTls()));
    }
    String ns = gateway.getMetadata().getNamespace();
    for (TLSConfig c : configs) {
      if (c == null
          || c.getValidation() == null
          || c.getValidation().getCaCertificateRefs() == null) {
        continue;
      }
      for (ObjectReference ref : c.getValidation().getCaCertificateRefs()) {
        if (ref != null && ref.getName() != null) {
          String refNs =
              ref.getNamespace() == null || ref.getNamespace().isEmpty() ? ns : ref.getNamespace();
          out.add(ref.getKind() + "/" + refNs + "/" + ref.getName());
        }
      }
    }
    return out;
  }

  /** The Services ({@code ns/name}) a BackendTLSPolicy targets. */
  public static Set<String> targetServices(BackendTLSPolicy policy) {
    Set<String> out = new TreeSet<>();
    if (policy.getSpec() == null || policy.getSpec().getTargetRefs() == null) {
      return out;
    }
    for (LocalPolicyTargetReferenceWithSectionName t : policy.getSpec().getTargetRefs()) {
      if (t != null
          && "Service".equals(t.getKind())
          && (t.getGroup() == null || t.getGroup().isEmpty())) {
        out.add(policy.getMetadata().getNamespace() + "/" + t.getName());
      }
    }
    return out;
  }

  /** The CA objects a BackendTLSPolicy references ({@code Kind/ns/name}, always its namespace). */
  public static Set<String> policyCaRefs(BackendTLSPolicy policy) {
    Set<String> out = new TreeSet<>();
    if (policy.getSpec() == null
        || policy.getSpec().getValidation() == null
        || policy.getSpec().getValidation().getCaCertificateRefs() == null) {
      return out;
    }
    for (LocalObjectReference ref : policy.getSpec().getValidation().getCaCertificateRefs()) {
      if (ref != null && ref.getName() != null) {
        out.add(ref.getKind() + "/" + policy.getMetadata().getNamespace() + "/" + ref.getName());
      }
    }
    return out;
  }
}
