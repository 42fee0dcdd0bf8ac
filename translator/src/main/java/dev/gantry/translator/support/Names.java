package dev.gantry.translator.support;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Stable ids and small helpers shared by the translators. */
public final class Names {

  public static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

  private Names() {}

  public static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  public static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  public static <T> T orDefault(T value, T fallback) {
    return value == null ? fallback : value;
  }

  public static String ruleName(String namespace, String route, int rule) {
    return "httproute/" + namespace + "/" + route + "/rule/" + rule;
  }

  public static String clusterName(String namespace, String service, int port) {
    return "service/" + namespace + "/" + service + "/" + port;
  }

  public static String certificateName(String namespace, String secret) {
    return "secret/" + namespace + "/" + secret;
  }
}
