package dev.gantry.operator.fleet;

import dev.gantry.operator.control.CaBundlePublisher;
import dev.gantry.stream.ControlChannelAuth;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The desired objects of one Gateway's proxy fleet (GEP-1762 style): ServiceAccount, Deployment,
 * Service, PodDisruptionBudget and, when autoscaling is configured, a HorizontalPodAutoscaler. All
 * are owned by the Gateway, so Kubernetes garbage-collects them with it.
 *
 * <p>A pure function of the Gateway, its class name and the resolved settings: the applier compares
 * a hash of it with what is in the cluster, so an unchanged fleet costs no write.
 */
public final class FleetResources {

  public static final String GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";
  public static final String GATEWAY_CLASS_LABEL = "gateway.networking.k8s.io/gateway-class-name";
  public static final String COMPONENT_LABEL = "app.kubernetes.io/component";
  public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
  public static final int ADMIN_PORT = 9901;
  public static final String TOKEN_AUDIENCE = ControlChannelAuth.TOKEN_AUDIENCE;

  /**
   * The shortest lifetime the API server accepts for a projected token; the kubelet refreshes it at
   * 80% of that, and the proxy re-reads the file on every connect.
   */
  public static final long TOKEN_EXPIRATION_SECONDS = 600;

  public static final String SNAPSHOT_DIR = "/var/lib/gantry";
  public static final String TOKEN_DIR = "/var/run/secrets/gantry";
  public static final String TOKEN_FILE = TOKEN_DIR + "/token";
  public static final String CONTROL_CA_DIR = "/etc/gantry/control-ca";
  public static final String CONTROL_CA_FILE = CONTROL_CA_DIR + "/" + CaBundlePublisher.KEY;

  private final String operatorAddress;
  private final boolean secureControlChannel;

  /**
   * A fleet that dials the snapshot stream over TLS with its projected token.
   *
   * @param operatorAddress {@code host:port} of the operator's snapshot service, as proxies reach
   *     it
   */
  public FleetResources(String operatorAddress) {
    this(operatorAddress, true);
  }

  /**
   * @param secureControlChannel false only when the operator runs {@code
   *     --insecure-control-channel}: the proxies then dial plaintext and mount neither the CA
   *     bundle nor a token
   */
  public FleetResources(String operatorAddress, boolean secureControlChannel) {
    this.operatorAddress = operatorAddress;
    this.secureControlChannel = secureControlChannel;
  }

  public List<HasMetadata> desired(Gateway gateway, FleetSettings settings) {
    String ns = gateway.getMetadata().getNamespace();
    String gwName = gateway.getMetadata().getName();
    String name = FleetNames.fleetName(ns, gwName);
    Map<String, String> selector = selectorLabels(ns, gwName);
    Map<String, String> labels = new TreeMap<>(infrastructureLabels(gateway));
    labels.putAll(selector);
    labels.put(MANAGED_BY_LABEL, "gantry-operator");
    if (gateway.getSpec() != null && gateway.getSpec().getGatewayClassName() != null) {
      labels.put(GATEWAY_CLASS_LABEL, gateway.getSpec().getGatewayClassName());
    }
    Map<String, String> annotations = infrastructureAnnotations(gateway);
    OwnerReference owner =
        new OwnerReferenceBuilder()
            .withApiVersion(gateway.getApiVersion())
            .withKind(gateway.getKind())
            .withName(gwName)
            .withUid(gateway.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build();
    ObjectMeta meta =
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(ns)
            .withLabels(labels)
            .withAnnotations(annotations.isEmpty() ? null : annotations)
            .withOwnerReferences(owner)
            .build();
    List<Integer> ports = listenerPorts(gateway);

    List<HasMetadata> out = new ArrayList<>();
    out.add(serviceAccount(meta));
    out.add(deployment(meta, selector, labels, annotations, ns, gwName, ports, settings));
    out.add(service(meta, selector, ports, settings));
    out.add(disruptionBudget(meta, selector));
    if (settings.autoscaling() != null) {
      out.add(autoscaler(meta, name, settings));
    }
    return out;
  }

  public static Map<String, String> selectorLabels(String namespace, String gatewayName) {
    Map<String, String> m = new TreeMap<>();
    m.put(GATEWAY_NAME_LABEL, FleetNames.labelValue(namespace, gatewayName));
    m.put(COMPONENT_LABEL, "gantry-proxy");
    return m;
  }

  private static ServiceAccount serviceAccount(ObjectMeta meta) {
    // The proxy never talks to the API server: no token is mounted (least privilege, decision 3).
    return new ServiceAccountBuilder()
        .withMetadata(copy(meta))
        .withAutomountServiceAccountToken(false)
        .build();
  }

  private Deployment deployment(
      ObjectMeta meta,
      Map<String, String> selector,
      Map<String, String> podLabels,
      Map<String, String> podAnnotations,
      String ns,
      String gwName,
      List<Integer> ports,
      FleetSettings settings) {
    LabelSelector podSelector = new LabelSelectorBuilder().withMatchLabels(selector).build();
    List<ContainerPort> containerPorts = new ArrayList<>();
    for (int p : ports) {
      containerPorts.add(
          new ContainerPortBuilder()
              .withName("l-" + p)
              .withContainerPort(p)
              .withProtocol("TCP")
              .build());
    }
    containerPorts.add(
        new ContainerPortBuilder()
            .withName("admin")
            .withContainerPort(ADMIN_PORT)
            .withProtocol("TCP")
            .build());

    var container =
        new ContainerBuilder()
            .withName("proxy")
            .withImage(settings.image())
            .withImagePullPolicy(settings.imagePullPolicy())
            .withArgs(proxyArgs(ns, gwName, settings))
            .addNewEnv()
            .withName("POD_NAME")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.name")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .withPorts(containerPorts)
            .withResources(settings.resources())
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/ready")
            .withPort(new IntOrString("admin"))
            .endHttpGet()
            .withPeriodSeconds(2)
            .withFailureThreshold(2)
            .endReadinessProbe()
            .withNewLivenessProbe()
            .withNewHttpGet()
            .withPath("/live")
            .withPort(new IntOrString("admin"))
            .endHttpGet()
            .withPeriodSeconds(10)
            .withFailureThreshold(3)
            .endLivenessProbe()
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withReadOnlyRootFilesystem(true)
            .withAllowPrivilegeEscalation(false)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext()
            .withVolumeMounts(volumeMounts())
            .build();

    var podSpec =
        new io.fabric8.kubernetes.api.model.PodSpecBuilder()
            .withServiceAccountName(meta.getName())
            .withAutomountServiceAccountToken(false)
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(65532L)
            .withRunAsGroup(65532L)
            .withFsGroup(65532L)
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            // Listener ports below 1024 (80, 443) without NET_BIND_SERVICE: this namespaced, "safe"
            // sysctl lets a non-root process with no capabilities bind them.
            .addNewSysctl()
            .withName("net.ipv4.ip_unprivileged_port_start")
            .withValue("0")
            .endSysctl()
            .endSecurityContext()
            // SIGTERM starts the proxy's drain; SIGKILL only after it (see ProxyShutdown).
            .withTerminationGracePeriodSeconds(ProxyShutdown.GRACE_SECONDS)
            .withContainers(container)
            .withTopologySpreadConstraints(
                new TopologySpreadConstraintBuilder()
                    .withMaxSkew(1)
                    .withTopologyKey("kubernetes.io/hostname")
                    .withWhenUnsatisfiable("ScheduleAnyway")
                    .withLabelSelector(podSelector)
                    .build(),
                new TopologySpreadConstraintBuilder()
                    .withMaxSkew(1)
                    .withTopologyKey("topology.kubernetes.io/zone")
                    .withWhenUnsatisfiable("ScheduleAnyway")
                    .withLabelSelector(podSelector)
                    .build())
            .withVolumes(volumes())
            .build();

    return new DeploymentBuilder()
        .withMetadata(copy(meta))
        .withNewSpec()
        // With an HPA the replica count is its to set; writing it here would fight the HPA.
        .withReplicas(settings.autoscaling() == null ? settings.replicas() : null)
        .withSelector(podSelector)
        .withNewStrategy()
        .withType("RollingUpdate")
        .withNewRollingUpdate()
        .withMaxUnavailable(new IntOrString(0))
        .withMaxSurge(new IntOrString(1))
        .endRollingUpdate()
        .endStrategy()
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(podLabels)
        .withAnnotations(podAnnotations.isEmpty() ? null : podAnnotations)
        .endMetadata()
        .withSpec(podSpec)
        .endTemplate()
        .endSpec()
        .build();
  }

  private static Service service(
      ObjectMeta meta, Map<String, String> selector, List<Integer> ports, FleetSettings settings) {
    ObjectMeta m = copy(meta);
    if (!settings.serviceAnnotations().isEmpty()) {
      Map<String, String> a =
          new TreeMap<>(m.getAnnotations() == null ? Map.of() : m.getAnnotations());
      a.putAll(settings.serviceAnnotations());
      m.setAnnotations(a);
    }
    List<ServicePort> servicePorts = new ArrayList<>();
    for (int p : ports) {
      servicePorts.add(
          new ServicePortBuilder()
              .withName("l-" + p)
              .withPort(p)
              .withTargetPort(new IntOrString(p))
              .withProtocol("TCP")
              .build());
    }
    return new ServiceBuilder()
        .withMetadata(m)
        .withNewSpec()
        .withType(settings.serviceType())
        .withSelector(selector)
        .withPorts(servicePorts)
        .endSpec()
        .build();
  }

  private static PodDisruptionBudget disruptionBudget(
      ObjectMeta meta, Map<String, String> selector) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(copy(meta))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(selector)
        .endSelector()
        .endSpec()
        .build();
  }

  private static HorizontalPodAutoscaler autoscaler(
      ObjectMeta meta, String deploymentName, FleetSettings settings) {
    var a = settings.autoscaling();
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(copy(meta))
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(deploymentName)
        .endScaleTargetRef()
        .withMinReplicas(a.minReplicas() == null ? FleetSettings.DEFAULT_REPLICAS : a.minReplicas())
        .withMaxReplicas(a.maxReplicas())
        .addNewMetric()
        .withType("Resource")
        .withNewResource()
        .withName("cpu")
        .withNewTarget()
        .withType("Utilization")
        .withAverageUtilization(
            a.targetCPUUtilizationPercentage() == null ? 70 : a.targetCPUUtilizationPercentage())
        .endTarget()
        .endResource()
        .endMetric()
        .endSpec()
        .build();
  }

  /** Distinct listener ports, sorted: listeners sharing a port share one Service port. */
  static List<Integer> listenerPorts(Gateway gateway) {
    TreeSet<Integer> ports = new TreeSet<>();
    if (gateway.getSpec() != null && gateway.getSpec().getListeners() != null) {
      for (Listener l : gateway.getSpec().getListeners()) {
        if (l.getPort() != null) {
          ports.add(l.getPort());
        }
      }
    }
    return List.copyOf(ports);
  }

  private static Map<String, String> infrastructureLabels(Gateway g) {
    var infra = g.getSpec() == null ? null : g.getSpec().getInfrastructure();
    return infra == null || infra.getLabels() == null ? Map.of() : infra.getLabels();
  }

  private static Map<String, String> infrastructureAnnotations(Gateway g) {
    var infra = g.getSpec() == null ? null : g.getSpec().getInfrastructure();
    return infra == null || infra.getAnnotations() == null
        ? Map.of()
        : new TreeMap<>(infra.getAnnotations());
  }

  private static ObjectMeta copy(ObjectMeta m) {
    return new ObjectMetaBuilder(m).build();
  }

  private List<io.fabric8.kubernetes.api.model.VolumeMount> volumeMounts() {
    List<io.fabric8.kubernetes.api.model.VolumeMount> mounts = new ArrayList<>();
    mounts.add(new VolumeMountBuilder().withName("snapshot").withMountPath(SNAPSHOT_DIR).build());
    mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
    if (secureControlChannel) {
      mounts.add(
          new VolumeMountBuilder()
              .withName("operator-token")
              .withMountPath(TOKEN_DIR)
              .withReadOnly(true)
              .build());
      mounts.add(
          new VolumeMountBuilder()
              .withName("control-ca")
              .withMountPath(CONTROL_CA_DIR)
              .withReadOnly(true)
              .build());
    }
    return mounts;
  }

  private List<io.fabric8.kubernetes.api.model.Volume> volumes() {
    List<io.fabric8.kubernetes.api.model.Volume> volumes = new ArrayList<>();
    volumes.add(new VolumeBuilder().withName("snapshot").withNewEmptyDir().endEmptyDir().build());
    volumes.add(new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build());
    if (secureControlChannel) {
      // The pod's only credential: a short-lived token for the snapshot stream's audience, useless
      // against the API server (the ServiceAccount has no API token mounted and no permissions).
      volumes.add(
          new VolumeBuilder()
              .withName("operator-token")
              .withNewProjected()
              .addNewSource()
              .withNewServiceAccountToken()
              .withAudience(TOKEN_AUDIENCE)
              .withExpirationSeconds(TOKEN_EXPIRATION_SECONDS)
              .withPath("token")
              .endServiceAccountToken()
              .endSource()
              .endProjected()
              .build());
      // The CA bundle the operator publishes in this namespace; the kubelet updates the file in
      // place when the CA rotates, and the proxy re-reads it.
      volumes.add(
          new VolumeBuilder()
              .withName("control-ca")
              .withNewConfigMap()
              .withName(CaBundlePublisher.CONFIG_MAP)
              .endConfigMap()
              .build());
    }
    return volumes;
  }

  /** The `gantry proxy` command line of a fleet's pods (ProxyCommand parses exactly these). */
  private java.util.List<String> proxyArgs(String ns, String gwName, FleetSettings settings) {
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "proxy",
                "--operator",
                operatorAddress,
                "--gateway",
                ns + "/" + gwName,
                "--snapshot-file",
                SNAPSHOT_DIR + "/snapshot.json",
                "--log-level",
                settings.logLevel()));
    if (secureControlChannel) {
      args.addAll(
          java.util.List.of("--control-ca", CONTROL_CA_FILE, "--control-token-file", TOKEN_FILE));
    } else {
      args.add("--insecure-control-channel");
    }
    args.addAll(ProxyShutdown.args());
    args.addAll(ProxyLimitArgs.of(settings.limits()));
    if (settings.redisUrl() != null) {
      args.add("--redis-url");
      args.add(settings.redisUrl());
    }
    if (settings.accessLog() != null) {
      args.add("--access-log");
      args.add(settings.accessLog().enabled() ? "json" : "off");
      args.add("--access-log-sample");
      args.add(Double.toString(settings.accessLog().sampleRatio()));
    }
    var tracing = settings.tracing();
    if (tracing != null && tracing.otlpEndpoint() != null && !tracing.otlpEndpoint().isBlank()) {
      args.add("--otlp-endpoint");
      args.add(tracing.otlpEndpoint());
      args.add("--trace-sample-ratio");
      args.add(Double.toString(tracing.samplingRatio()));
    }
    return args;
  }
}
