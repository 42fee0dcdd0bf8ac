package dev.gantry.operator.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.api.v1alpha1.GantryProxyConfigSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetResourcesTest {

  static Gateway gateway(String name) {
    return Serialization.unmarshal(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: %s, namespace: infra, uid: u-1}
        spec:
          gatewayClassName: gantry
          listeners:
          - {name: http, port: 80, protocol: HTTP}
          - {name: http-alt, hostname: a.example, port: 80, protocol: HTTP}
          - {name: https, port: 443, protocol: HTTPS}
        """
            .formatted(name),
        Gateway.class);
  }

  static <T> T only(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }

  @Test
  void defaultsAreTwoReplicasALoadBalancerAndNoAutoscaler() {
    List<HasMetadata> objects =
        new FleetResources("op:18000").desired(gateway("gw"), FleetSettings.resolve(null, "img"));
    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .containsExactly("ServiceAccount", "Deployment", "Service", "PodDisruptionBudget");
    assertThat(only(objects, Deployment.class).getSpec().getReplicas()).isEqualTo(2);
    Service svc = only(objects, Service.class);
    assertThat(svc.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(svc.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(80, 443);
  }

  @Test
  void proxiesHoldOnlyAShortLivedStreamTokenAndTheCaBundleNoApiCredentials() {
    List<HasMetadata> objects =
        new FleetResources("op:18000").desired(gateway("gw"), FleetSettings.resolve(null, "img"));
    assertThat(only(objects, ServiceAccount.class).getAutomountServiceAccountToken()).isFalse();
    var pod = only(objects, Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getServiceAccountName()).isEqualTo("gantry-gw");
    var token =
        pod.getVolumes().stream()
            .filter(v -> v.getName().equals("operator-token"))
            .findFirst()
            .orElseThrow()
            .getProjected()
            .getSources()
            .get(0)
            .getServiceAccountToken();
    assertThat(token.getAudience()).isEqualTo("gantry.dev/snapshot-stream");
    assertThat(token.getExpirationSeconds()).isEqualTo(600L);
    assertThat(
            pod.getVolumes().stream()
                .filter(v -> v.getName().equals("control-ca"))
                .findFirst()
                .orElseThrow()
                .getConfigMap()
                .getName())
        .isEqualTo("gantry-control-ca");
    var container = pod.getContainers().get(0);
    assertThat(container.getVolumeMounts())
        .filteredOn(m -> m.getName().equals("operator-token") || m.getName().equals("control-ca"))
        .allSatisfy(m -> assertThat(m.getReadOnly()).isTrue())
        .extracting(m -> m.getMountPath())
        .containsExactly("/var/run/secrets/gantry", "/etc/gantry/control-ca");
    assertThat(container.getArgs())
        .containsSequence("--control-ca", "/etc/gantry/control-ca/ca.crt")
        .containsSequence("--control-token-file", "/var/run/secrets/gantry/token")
        .doesNotContain("--insecure-control-channel");
  }

  @Test
  void anInsecureOperatorsFleetDialsPlaintextAndMountsNoCredentials() {
    List<HasMetadata> objects =
        new FleetResources("op:18000", false)
            .desired(gateway("gw"), FleetSettings.resolve(null, "img"));
    var pod = only(objects, Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).extracting(v -> v.getName()).containsExactly("snapshot", "tmp");
    assertThat(pod.getContainers().get(0).getArgs())
        .contains("--insecure-control-channel")
        .doesNotContain("--control-ca", "--control-token-file");
  }

  @Test
  void theChartsAccessLogAndTracingReachTheProxyPods() throws Exception {
    ProxyDefaults defaults =
        ProxyDefaults.parse(
            """
            accessLog: {enabled: true, sampleRatio: 0.25}
            tracing: {otlpEndpoint: "http://otel-collector.observability:4318", samplingRatio: 0.01}
            """);
    var args =
        only(
                new FleetResources("op:18000")
                    .desired(gateway("gw"), FleetSettings.resolve(null, defaults)),
                Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getArgs();
    assertThat(args)
        .containsSequence("--access-log", "json", "--access-log-sample", "0.25")
        .containsSequence(
            "--otlp-endpoint",
            "http://otel-collector.observability:4318",
            "--trace-sample-ratio",
            "0.01");

    ProxyDefaults quiet =
        ProxyDefaults.parse("accessLog: {enabled: false}\ntracing: {otlpEndpoint: \"\"}\n");
    var quietArgs =
        only(
                new FleetResources("op:18000")
                    .desired(gateway("gw"), FleetSettings.resolve(null, quiet)),
                Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getArgs();
    assertThat(quietArgs).containsSequence("--access-log", "off").doesNotContain("--otlp-endpoint");
  }

  @Test
  void theChartsRedisUrlAndPullPolicyReachTheProxyPods() throws Exception {
    ProxyDefaults defaults =
        ProxyDefaults.parse(
            """
            image: {repository: ghcr.io/gantry-dev/gantry-proxy, tag: "0.1.0", pullPolicy: IfNotPresent}
            rateLimit: {redisUrl: "redis://redis.gantry-system:6379"}
            """);
    List<HasMetadata> objects =
        new FleetResources("op:18000")
            .desired(gateway("gw"), FleetSettings.resolve(null, defaults));
    var container =
        only(objects, Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(container.getArgs())
        .containsSequence("--redis-url", "redis://redis.gantry-system:6379");
    assertThat(container.getImagePullPolicy()).isEqualTo("IfNotPresent");
    assertThat(container.getImage()).isEqualTo("ghcr.io/gantry-dev/gantry-proxy:0.1.0");

    List<HasMetadata> without =
        new FleetResources("op:18000").desired(gateway("gw"), FleetSettings.resolve(null, "img"));
    assertThat(
            only(without, Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs())
        .doesNotContain("--redis-url");
  }

  @Test
  void proxyPodsDrainWithinTheirGracePeriod() {
    List<HasMetadata> objects =
        new FleetResources("op:18000").desired(gateway("gw"), FleetSettings.resolve(null, "img"));
    var pod = only(objects, Deployment.class).getSpec().getTemplate().getSpec();
    assertThat(pod.getContainers().get(0).getArgs())
        .containsSequence("--drain-period", "5s", "--drain-timeout", "30s");
    // SIGKILL must not come before the drain period plus the drain timeout are over.
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(45L).isGreaterThan(5L + 30L);
    // The drain period outlasts the readiness probe's detection time (period x threshold).
    var probe = pod.getContainers().get(0).getReadinessProbe();
    assertThat(probe.getPeriodSeconds() * probe.getFailureThreshold()).isLessThan(5);
  }

  @Test
  void autoscalingHandsTheReplicaCountToTheAutoscaler() {
    var spec =
        new GantryProxyConfigSpec(
            7, null, null, new GantryProxyConfigSpec.Autoscaling(null, null, 10, null), null, null);
    List<HasMetadata> objects =
        new FleetResources("op:18000").desired(gateway("gw"), FleetSettings.resolve(spec, "img"));
    HorizontalPodAutoscaler hpa = only(objects, HorizontalPodAutoscaler.class);
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
        .isEqualTo(70);
    assertThat(only(objects, Deployment.class).getSpec().getReplicas()).isNull();
  }

  @Test
  void aLongGatewayNameGivesValidNamesAndLabels() {
    String name = "very-long-gateway-name-".repeat(5) + "end";
    List<HasMetadata> objects =
        new FleetResources("op:18000").desired(gateway(name), FleetSettings.resolve(null, "img"));
    for (HasMetadata o : objects) {
      assertThat(o.getMetadata().getName()).hasSizeLessThanOrEqualTo(63);
      assertThat(o.getMetadata().getLabels().values()).allMatch(v -> v.length() <= 63);
    }
    assertThat(
            only(objects, Deployment.class)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getArgs())
        .contains("infra/" + name);
  }
}
