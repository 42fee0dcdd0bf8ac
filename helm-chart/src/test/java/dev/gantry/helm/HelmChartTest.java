package dev.gantry.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart as CI sees it: {@code helm lint} and {@code helm template} with the default values and
 * every {@code ci/*.yaml}, the rendered objects read strictly, rendering determinism, the schema
 * refusing every {@code ci/bad/*.yaml}, and the contract the operator relies on (hardened pods,
 * least-privilege RBAC, CRDs that upgrade with the chart).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HelmChartTest {

  private static final String RELEASE = "gantry";
  private static final String NAMESPACE = "gantry-system";
  private static final String DEFAULTS = "defaults";

  private ChartFiles files;
  private Helm helm;
  private final Map<String, String> renders = new HashMap<>();

  @BeforeAll
  void locateHelm() throws Exception {
    files = ChartFiles.fromBuild();
    assertThat(files.chart().resolve("Chart.yaml")).exists();
    helm = Helm.locate(files.repoRoot());
    // The expected error texts in ci/bad/ are those of helm's JSON-schema validator since 3.18 (and
    // helm 4);
    // an older helm words them differently, which would read as a chart bug.
    String version =
        helm.run("version", "--template", "{{.Version}}").assertSuccess().stdout().strip();
    Matcher semver = Pattern.compile("v(\\d+)\\.(\\d+)\\..*").matcher(version);
    assertThat(semver.matches()).as("helm version %s", version).isTrue();
    int major = Integer.parseInt(semver.group(1));
    int minor = Integer.parseInt(semver.group(2));
    assertThat(major > 3 || major == 3 && minor >= 18)
        .as(
            "helm version: %s (expected: 3.18 or newer; .ci/install-helm installs a suitable one)",
            version)
        .isTrue();
  }

  @AfterAll
  void removeHelmHome() throws IOException {
    if (helm != null) {
      helm.close();
    }
  }

  /** "defaults" plus every ci/*.yaml, named by file so a failure says which values broke. */
  Stream<Arguments> valuesFiles() throws IOException {
    List<Arguments> args = new ArrayList<>();
    args.add(Arguments.of(DEFAULTS));
    for (Path p : files.ciValues()) {
      args.add(Arguments.of("ci/" + p.getFileName()));
    }
    return args.stream();
  }

  Stream<Arguments> badValuesFiles() throws IOException {
    return files.badValues().stream().map(p -> Arguments.of("ci/bad/" + p.getFileName()));
  }

  // ---- lint, render, parse
  // ------------------------------------------------------------------------------

  @ParameterizedTest(name = "helm lint --strict with {0}")
  @MethodSource("valuesFiles")
  void lintPasses(String values) throws Exception {
    Helm.Result result = helm.run(withValues(values, "lint", "--strict", chart())).assertSuccess();
    assertThat(result.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @ParameterizedTest(name = "rendered objects are strict Kubernetes objects with {0}")
  @MethodSource("valuesFiles")
  void renderedObjectsAreStrictKubernetesObjects(String values) throws Exception {
    RenderedObjects objects = RenderedObjects.parse(render(values));
    assertThat(objects.all()).isNotEmpty();
    Set<String> seen = new TreeSet<>();
    for (ObjectNode doc : objects.all()) {
      String what = RenderedObjects.describe(doc);
      String name = doc.path("metadata").path("name").asText("");
      assertThat(name).as("metadata.name of %s", what).matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");
      assertThat(seen.add(RenderedObjects.key(doc) + "/" + name)).as("duplicate %s", what).isTrue();
      String kind = doc.path("kind").asText();
      if (RenderedObjects.CLUSTER_SCOPED.contains(kind)) {
        assertThat(doc.path("metadata").has("namespace"))
            .as("namespace on cluster-scoped %s", what)
            .isFalse();
      } else {
        assertThat(doc.path("metadata").path("namespace").asText())
            .as("namespace of %s", what)
            .isEqualTo(NAMESPACE);
      }
      assertThat(doc.path("metadata").path("labels").path("app.kubernetes.io/instance").asText())
          .as("instance label of %s", what)
          .isEqualTo(RELEASE);
      if (RenderedObjects.key(doc).equals("gantry.dev/v1alpha1 GantryProxyConfig")) {
        JsonNode schema = repositoryCrdSchema("gantryproxyconfigs.gantry.dev");
        assertThat(CrdSchemaCheck.violations(doc, schema, "$"))
            .as("%s against its CRD", what)
            .isEmpty();
        continue;
      }
      Class<? extends HasMetadata> type = RenderedObjects.TYPED_KINDS.get(RenderedObjects.key(doc));
      assertThat(type).as("a kind the chart is meant to render: %s", what).isNotNull();
      HasMetadata model = objects.typed(doc, type);
      assertThat(UnknownFields.in(model, what))
          .as("fields unknown to the %s model", what)
          .isEmpty();
    }
  }

  @ParameterizedTest(name = "rendering twice is byte-identical with {0}")
  @MethodSource("valuesFiles")
  void renderingIsDeterministic(String values) throws Exception {
    String first = helm.run(templateArgs(values)).assertSuccess().stdout();
    String second = helm.run(templateArgs(values)).assertSuccess().stdout();
    assertThat(second).isEqualTo(first);
  }

  @ParameterizedTest(name = "{0} is refused")
  @MethodSource("badValuesFiles")
  void badValuesAreRefused(String values) throws Exception {
    Path file = files.chart().resolve(values);
    String expected = expectation(file);
    Helm.Result template = helm.run(templateArgs(values));
    assertThat(template.exitCode()).as("helm template exit code with %s", values).isNotZero();
    assertThat(template.stderr()).as("helm template error with %s", values).contains(expected);
    // What a user meets: the install itself is refused.
    Helm.Result install =
        helm.run(
            withValues(
                values, "install", RELEASE, chart(), "--namespace", NAMESPACE, "--dry-run=client"));
    assertThat(install.exitCode()).as("helm install exit code with %s", values).isNotZero();
    assertThat(install.stderr()).as("helm install error with %s", values).contains(expected);
    if (template.stderr().contains("don't meet the specifications of the schema")) {
      // helm lint checks the schema too; template rules ("fail") only log in lint mode, so only
      // schema
      // rejections can be asserted there.
      Helm.Result lint = helm.run(withValues(values, "lint", chart()));
      assertThat(lint.exitCode()).as("helm lint exit code with %s", values).isNotZero();
    }
  }

  // ---- the operator workload
  // ------------------------------------------------------------------------------

  @ParameterizedTest(name = "operator pods are hardened with {0}")
  @MethodSource("valuesFiles")
  void operatorPodsAreHardened(String values) throws Exception {
    RenderedObjects objects = RenderedObjects.parse(render(values));
    Deployment deployment = objects.typed(objects.single("Deployment"), Deployment.class);
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(65532L);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getContainers()).isNotEmpty();
    for (Container c : pod.getContainers()) {
      var sc = c.getSecurityContext();
      assertThat(sc.getRunAsNonRoot()).as("runAsNonRoot of %s", c.getName()).isTrue();
      assertThat(sc.getReadOnlyRootFilesystem())
          .as("readOnlyRootFilesystem of %s", c.getName())
          .isTrue();
      assertThat(sc.getAllowPrivilegeEscalation())
          .as("allowPrivilegeEscalation of %s", c.getName())
          .isFalse();
      assertThat(sc.getPrivileged()).as("privileged of %s", c.getName()).isFalse();
      assertThat(sc.getCapabilities().getDrop())
          .as("dropped capabilities of %s", c.getName())
          .containsExactly("ALL");
      assertThat(sc.getCapabilities().getAdd())
          .as("added capabilities of %s", c.getName())
          .isNullOrEmpty();
      assertThat(sc.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
      assertThat(c.getResources().getRequests())
          .as("resource requests of %s", c.getName())
          .containsKeys("cpu", "memory");
      assertThat(c.getResources().getLimits())
          .as("resource limits of %s", c.getName())
          .containsKey("memory");
      // A read-only root filesystem needs a writable /tmp for the JVM.
      assertThat(c.getVolumeMounts())
          .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    }
    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("tmp");
              assertThat(v.getEmptyDir()).isNotNull();
            });
  }

  @Test
  void defaultOperatorMatchesTheContract() throws Exception {
    RenderedObjects objects = RenderedObjects.parse(render(DEFAULTS));
    Deployment deployment = objects.typed(objects.single("Deployment"), Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(
            deployment.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
        .isZero();
    PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getTopologySpreadConstraints())
        .extracting(c -> c.getTopologyKey())
        .containsExactly("kubernetes.io/hostname", "topology.kubernetes.io/zone");
    Container operator = pod.getContainers().getFirst();
    assertThat(operator.getImage()).isEqualTo("ghcr.io/gantry-dev/gantry-operator:" + appVersion());
    assertThat(operator.getArgs())
        .contains(
            "--snapshot-port=18000",
            "--health-port=8081",
            "--metrics-port=8080",
            "--log-level=info",
            "--lease-name=gantry-leader",
            "--lease-namespace=" + NAMESPACE,
            "--ca-secret=gantry-ca",
            "--snapshot-address=gantry-operator." + NAMESPACE + ".svc:18000",
            "--proxy-defaults=/etc/gantry/proxy-defaults.yaml");
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/live");
    assertThat(operator.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("health");
    assertThat(operator.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("health");
              assertThat(p.getContainerPort()).isEqualTo(8081);
            });

    PodDisruptionBudget pdb =
        objects.typed(objects.single("PodDisruptionBudget"), PodDisruptionBudget.class);
    assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
    assertThat(pdb.getSpec().getSelector().getMatchLabels())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());

    Service service = objects.typed(objects.single("Service"), Service.class);
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getSelector())
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(service.getSpec().getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getPort()).isEqualTo(18000);
              assertThat(p.getAppProtocol()).isEqualTo("grpc");
            })
        .anySatisfy(p -> assertThat(p.getName()).isEqualTo("metrics"));

    // The proxy defaults the operator reads carry the proxy image of the same release.
    JsonNode defaults =
        RenderedObjects.YAML.readTree(
            objects.single("ConfigMap").path("data").path("proxy-defaults.yaml").asText());
    assertThat(defaults.path("image").path("repository").asText())
        .isEqualTo("ghcr.io/gantry-dev/gantry-proxy");
    assertThat(defaults.path("image").path("tag").asText()).isEqualTo(appVersion());
    assertThat(defaults.path("replicas").asInt()).isEqualTo(2);
    assertThat(defaults.path("accessLog").path("enabled").asBoolean()).isTrue();
  }

  @ParameterizedTest(name = "proxy defaults are GantryProxyConfig-shaped with {0}")
  @MethodSource("valuesFiles")
  void proxyDefaultsHaveTheGantryProxyConfigSpecShape(String values) throws Exception {
    RenderedObjects objects = RenderedObjects.parse(render(values));
    ObjectNode defaults =
        (ObjectNode)
            RenderedObjects.YAML.readTree(
                objects.single("ConfigMap").path("data").path("proxy-defaults.yaml").asText());
    // The operator overlays a GantryProxyConfig spec on these defaults field by field, so the
    // shared part must
    // be valid as a spec; rateLimit, accessLog and tracing are chart-wide settings beyond the CRD.
    ObjectNode specPart = defaults.deepCopy();
    for (String chartWide : List.of("rateLimit", "accessLog", "tracing")) {
      assertThat(specPart.remove(chartWide)).as("%s in the proxy defaults", chartWide).isNotNull();
    }
    JsonNode specSchema =
        repositoryCrdSchema("gantryproxyconfigs.gantry.dev").path("properties").path("spec");
    assertThat(CrdSchemaCheck.violations(specPart, specSchema, "proxy-defaults.yaml")).isEmpty();
    // When the chart also creates the GantryProxyConfig, it says the same as the ConfigMap.
    for (ObjectNode config : objects.ofKind("GantryProxyConfig")) {
      assertThat(config.path("spec")).isEqualTo(specPart);
    }
  }

  @Test
  void changedProxyDefaultsRollTheOperator() throws Exception {
    String before = podChecksum(render(DEFAULTS));
    String after =
        podChecksum(
            helm.run(templateArgs(DEFAULTS, "--set", "proxy.replicas=5")).assertSuccess().stdout());
    assertThat(after).isNotEqualTo(before);
  }

  // ---- RBAC
  // -------------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "RBAC has no wildcards with {0}")
  @MethodSource("valuesFiles")
  void rbacHasNoWildcards(String values) throws Exception {
    RenderedObjects objects = RenderedObjects.parse(render(values));
    List<PolicyRule> rules = new ArrayList<>();
    objects
        .ofKind("ClusterRole")
        .forEach(d -> rules.addAll(objects.typed(d, ClusterRole.class).getRules()));
    objects.ofKind("Role").forEach(d -> rules.addAll(objects.typed(d, Role.class).getRules()));
    assertThat(rules).isNotEmpty();
    for (PolicyRule rule : rules) {
      for (List<String> field :
          List.of(
              rule.getVerbs(),
              rule.getResources(),
              rule.getApiGroups(),
              rule.getResourceNames(),
              rule.getNonResourceURLs())) {
        assertThat(field).as("rule %s", rule).doesNotContain("*");
      }
      assertThat(rule.getVerbs())
          .as("rule %s", rule)
          .doesNotContain("escalate", "bind", "impersonate");
      assertThat(rule.getNonResourceURLs()).as("rule %s", rule).isNullOrEmpty();
    }
  }

  @Test
  void clusterRoleGrantsWhatTheOperatorNeedsAndNoSecretWrites() throws Exception {
    RenderedObjects objects = RenderedObjects.parse(render(DEFAULTS));
    ClusterRole role = objects.typed(objects.single("ClusterRole"), ClusterRole.class);
    Permissions granted = Permissions.of(role.getRules());
    for (String r :
        List.of(
            "gatewayclasses", "gateways", "httproutes", "referencegrants", "backendtlspolicies")) {
      assertThat(granted.allows("gateway.networking.k8s.io", r, "get", "list", "watch"))
          .as(r)
          .isTrue();
    }
    for (String r :
        List.of(
            "gatewayclasses/status",
            "gateways/status",
            "httproutes/status",
            "backendtlspolicies/status")) {
      assertThat(granted.allows("gateway.networking.k8s.io", r, "update", "patch")).as(r).isTrue();
    }
    assertThat(granted.allows("gateway.networking.k8s.io", "gatewayclasses/finalizers", "update"))
        .isTrue();
    for (String r : List.of("services", "secrets", "configmaps", "namespaces")) {
      assertThat(granted.allows("", r, "get", "list", "watch")).as(r).isTrue();
    }
    assertThat(granted.allows("discovery.k8s.io", "endpointslices", "get", "list", "watch"))
        .isTrue();
    for (String r : List.of("ratelimitpolicies", "backendpolicies", "gantryproxyconfigs")) {
      assertThat(granted.allows("gantry.dev", r, "get", "list", "watch")).as(r).isTrue();
      assertThat(granted.allows("gantry.dev", r + "/status", "update", "patch")).as(r).isTrue();
    }
    assertThat(granted.allows("authentication.k8s.io", "tokenreviews", "create")).isTrue();
    String[] crud = {"create", "get", "list", "watch", "update", "patch", "delete"};
    assertThat(granted.allows("", "serviceaccounts", crud)).isTrue();
    assertThat(granted.allows("", "services", crud)).isTrue();
    assertThat(granted.allows("apps", "deployments", crud)).isTrue();
    assertThat(granted.allows("policy", "poddisruptionbudgets", crud)).isTrue();
    assertThat(granted.allows("autoscaling", "horizontalpodautoscalers", crud)).isTrue();
    assertThat(granted.allows("", "events", "create", "patch")).isTrue();
    // Least privilege: nothing cluster-wide may change Secrets, ConfigMaps, RBAC or the Gateway API
    // specs.
    for (String verb : List.of("create", "update", "patch", "delete", "deletecollection")) {
      assertThat(granted.allowsAny("", "secrets", verb))
          .as("cluster-wide secrets " + verb)
          .isFalse();
      assertThat(granted.allowsAny("gateway.networking.k8s.io", "httproutes", verb))
          .as("httproutes " + verb)
          .isFalse();
      assertThat(granted.allowsAny("gateway.networking.k8s.io", "gateways", verb))
          .as("gateways " + verb)
          .isFalse();
      assertThat(granted.allowsAny("gateway.networking.k8s.io", "backendtlspolicies", verb))
          .as("backendtlspolicies " + verb)
          .isFalse();
    }
    assertThat(granted.groups())
        .doesNotContain("rbac.authorization.k8s.io", "admissionregistration.k8s.io");
    // ConfigMap writes: only the control channel's CA bundle, published into fleet namespaces.
    // Creating cannot be narrowed by name; changing is narrowed to that name; nothing is deleted.
    assertThat(granted.allows("", "configmaps", "create")).isTrue();
    for (String verb : List.of("update", "patch")) {
      assertThat(granted.allows("", "configmaps", verb)).as("unnamed configmaps " + verb).isFalse();
    }
    assertThat(role.getRules())
        .filteredOn(r -> r.getResources().contains("configmaps") && r.getVerbs().contains("update"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getResourceNames()).containsExactly("gantry-control-ca");
              assertThat(r.getVerbs()).containsExactlyInAnyOrder("update", "patch");
            });
    for (String verb : List.of("delete", "deletecollection")) {
      assertThat(granted.allowsAny("", "configmaps", verb)).as("configmaps " + verb).isFalse();
    }
  }

  @Test
  void theOperatorKnowsItsPodIpForItsServingCertificate() throws Exception {
    RenderedObjects objects = RenderedObjects.parse(render(DEFAULTS));
    Deployment deployment = objects.typed(objects.single("Deployment"), Deployment.class);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .filteredOn(e -> e.getName().equals("POD_IP"))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                    .isEqualTo("status.podIP"));
  }

  @Test
  void namespacedRoleCoversTheLeaseAndTheOwnCaSecretOnly() throws Exception {
    RenderedObjects objects = RenderedObjects.parse(render(DEFAULTS));
    Role role = objects.typed(objects.single("Role"), Role.class);
    assertThat(role.getMetadata().getNamespace()).isEqualTo(NAMESPACE);
    Permissions granted = Permissions.of(role.getRules());
    // JOSDK's start-up check wants create, update and get on leases in ONE rule; Fabric8's
    // LeaderElector renews with patch.
    assertThat(role.getRules())
        .anySatisfy(
            r -> {
              assertThat(r.getResources()).containsExactly("leases");
              assertThat(r.getVerbs()).contains("create", "update", "get", "patch");
            });
    assertThat(granted.allows("", "secrets", "create")).isTrue();
    assertThat(role.getRules())
        .filteredOn(r -> r.getResources().contains("secrets") && r.getVerbs().contains("update"))
        .singleElement()
        .satisfies(r -> assertThat(r.getResourceNames()).containsExactly("gantry-ca"));
    assertThat(granted.groups()).containsExactlyInAnyOrder("", "coordination.k8s.io");

    RoleBinding binding = objects.typed(objects.single("RoleBinding"), RoleBinding.class);
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName())
                  .isEqualTo(
                      objects.single("ServiceAccount").path("metadata").path("name").asText());
              assertThat(s.getNamespace()).isEqualTo(NAMESPACE);
            });
  }

  // ---- CRDs
  // -------------------------------------------------------------------------------------------------

  @Test
  void chartCrdCopyIsByteIdenticalToRepositoryCrds() throws IOException {
    List<Path> repo = ChartFiles.yamlFilesIn(files.crds());
    List<Path> copy = ChartFiles.yamlFilesIn(files.chartCrdCopy());
    assertThat(repo).as("CRDs in crds/").isNotEmpty();
    assertThat(copy.stream().map(p -> p.getFileName().toString()))
        .as("file names in helm-chart/gantry/crds-src/ (copy crds/*.yml there)")
        .containsExactlyElementsOf(repo.stream().map(p -> p.getFileName().toString()).toList());
    for (Path original : repo) {
      byte[] expected = Files.readAllBytes(original);
      byte[] actual = Files.readAllBytes(files.chartCrdCopy().resolve(original.getFileName()));
      assertThat(actual)
          .as(
              "helm-chart/gantry/crds-src/%s differs from crds/%1$s; run: cp crds/*.yml helm-chart/gantry/crds-src/",
              original.getFileName())
          .isEqualTo(expected);
    }
  }

  @Test
  void crdsRenderAsTemplatesWithKeepPolicyAndTheRepositorySchema() throws Exception {
    RenderedObjects objects = RenderedObjects.parse(render(DEFAULTS));
    List<ObjectNode> rendered = objects.ofKind("CustomResourceDefinition");
    List<Path> repo = ChartFiles.yamlFilesIn(files.crds());
    assertThat(rendered).hasSameSizeAs(repo);
    for (Path file : repo) {
      JsonNode original = RenderedObjects.YAML.readTree(file.toFile());
      String name = original.path("metadata").path("name").asText();
      ObjectNode crd =
          objects
              .find("CustomResourceDefinition", name)
              .orElseThrow(() -> new AssertionError("CRD " + name + ": not rendered"));
      assertThat(crd.path("spec")).as("spec of %s", name).isEqualTo(original.path("spec"));
      assertThat(crd.path("metadata").path("annotations").path("helm.sh/resource-policy").asText())
          .isEqualTo("keep");
      // Labels the generator put on the CRD (GEP-713's policy label) survive the chart's own.
      original
          .path("metadata")
          .path("labels")
          .properties()
          .forEach(
              l ->
                  assertThat(crd.path("metadata").path("labels").path(l.getKey()))
                      .as("label %s of %s", l.getKey(), name)
                      .isEqualTo(l.getValue()));
      CustomResourceDefinition typed = objects.typed(crd, CustomResourceDefinition.class);
      assertThat(typed.getSpec().getVersions())
          .allSatisfy(v -> assertThat(v.getSubresources().getStatus()).isNotNull());
    }
  }

  @Test
  void crdsCanBeLeftOutAndAnnotated() throws Exception {
    RenderedObjects without =
        RenderedObjects.parse(
            helm.run(templateArgs(DEFAULTS, "--set", "crds.install=false"))
                .assertSuccess()
                .stdout());
    assertThat(without.ofKind("CustomResourceDefinition")).isEmpty();
    RenderedObjects unkept =
        RenderedObjects.parse(
            helm.run(
                    templateArgs(
                        DEFAULTS,
                        "--set",
                        "crds.keep=false",
                        "--set",
                        "crds.annotations.team=platform"))
                .assertSuccess()
                .stdout());
    // Every CRD of the chart (GantryProxyConfig, RateLimitPolicy, BackendPolicy) gets the same
    // treatment.
    assertThat(unkept.ofKind("CustomResourceDefinition")).isNotEmpty();
    for (JsonNode crd : unkept.ofKind("CustomResourceDefinition")) {
      JsonNode annotations = crd.path("metadata").path("annotations");
      assertThat(annotations.has("helm.sh/resource-policy")).isFalse();
      assertThat(annotations.path("team").asText()).isEqualTo("platform");
    }
  }

  // ---- GatewayClass and GantryProxyConfig
  // --------------------------------------------------------------------

  @Test
  void gatewayClassReferencesTheProxyConfigOnlyWhenItIsCreated() throws Exception {
    RenderedObjects defaults = RenderedObjects.parse(render(DEFAULTS));
    GatewayClass plain = defaults.typed(defaults.single("GatewayClass"), GatewayClass.class);
    assertThat(plain.getMetadata().getName()).isEqualTo("gantry");
    assertThat(plain.getSpec().getControllerName()).isEqualTo("gantry.dev/gateway-controller");
    assertThat(plain.getSpec().getParametersRef()).isNull();
    assertThat(defaults.ofKind("GantryProxyConfig")).isEmpty();

    RenderedObjects withConfig =
        RenderedObjects.parse(
            helm.run(templateArgs(DEFAULTS, "--set", "proxyConfig.create=true"))
                .assertSuccess()
                .stdout());
    GatewayClass referencing =
        withConfig.typed(withConfig.single("GatewayClass"), GatewayClass.class);
    ObjectNode config = withConfig.single("GantryProxyConfig");
    var ref = referencing.getSpec().getParametersRef();
    assertThat(ref.getGroup()).isEqualTo("gantry.dev");
    assertThat(ref.getKind()).isEqualTo("GantryProxyConfig");
    assertThat(ref.getName()).isEqualTo(config.path("metadata").path("name").asText());
    assertThat(ref.getNamespace()).isEqualTo(NAMESPACE);
    assertThat(config.path("spec").path("image").path("repository").asText())
        .isEqualTo("ghcr.io/gantry-dev/gantry-proxy");
    assertThat(
            CrdSchemaCheck.violations(
                config, gantryCrdSchema(withConfig, "gantryproxyconfigs.gantry.dev"), "$"))
        .isEmpty();

    RenderedObjects without =
        RenderedObjects.parse(
            helm.run(templateArgs(DEFAULTS, "--set", "gatewayClass.create=false"))
                .assertSuccess()
                .stdout());
    assertThat(without.ofKind("GatewayClass")).isEmpty();
  }

  @Test
  void crdSchemaCheckCatchesWhatTheApiServerWouldPrune() throws Exception {
    // The checker itself: a typo, a bad enum, a wrong type and a too-short string in a
    // GantryProxyConfig are all reported.
    RenderedObjects objects = RenderedObjects.parse(render(DEFAULTS));
    JsonNode schema = gantryCrdSchema(objects, "gantryproxyconfigs.gantry.dev");
    JsonNode bad =
        RenderedObjects.YAML.readTree(
            """
            apiVersion: gantry.dev/v1alpha1
            kind: GantryProxyConfig
            metadata: {name: x, namespace: y}
            spec:
              replica: 2
              logLevel: verbose
              service: {type: LoadBalancer, annotations: {a: 1}}
              image: {repository: ""}
            """);
    assertThat(CrdSchemaCheck.violations(bad, schema, "$"))
        .anySatisfy(v -> assertThat(v).startsWith("$.spec.replica: present"))
        .anySatisfy(
            v -> assertThat(v).startsWith("$.spec.logLevel: \"verbose\"").contains("one of"))
        .anySatisfy(
            v -> assertThat(v).startsWith("$.spec.service.annotations.a: 1 (expected: a string)"))
        .anySatisfy(
            v -> assertThat(v).startsWith("$.spec.image.repository: \"\" (expected: at least"))
        .hasSize(4);
  }

  // ---- determinism and GitOps by construction
  // ----------------------------------------------------------------

  @Test
  void templatesUseNoHooksAndNoNonDeterministicFunctions() throws IOException {
    Pattern forbidden =
        Pattern.compile(
            "\\b(randAlphaNum|randAlpha|randNumeric|randAscii|randBytes|randInt|uuidv4|genCA|genCAWithKey|genPrivateKey"
                + "|genSelfSignedCert|genSelfSignedCertWithKey|genSignedCert|genSignedCertWithKey|now|lookup)\\b"
                + "|helm\\.sh/hook");
    List<String> found = new ArrayList<>();
    for (Path template : files.templates()) {
      List<String> lines = Files.readAllLines(template);
      for (int i = 0; i < lines.size(); i++) {
        Matcher m = forbidden.matcher(lines.get(i));
        if (m.find() && lines.get(i).contains("{{") | m.group().startsWith("helm.sh")) {
          found.add(template.getFileName() + ":" + (i + 1) + ": " + m.group());
        }
      }
    }
    assertThat(found).as("hooks or non-deterministic template functions").isEmpty();
  }

  @Test
  void packagedChartRendersTheSameAndLeavesTheTestInputsOut(@TempDir Path out) throws Exception {
    helm.run("package", chart(), "--destination", out.toString()).assertSuccess();
    Path archive = out.resolve("gantry-" + chartVersion() + ".tgz");
    assertThat(archive).exists();
    // What users install from a repository must render exactly what the tests checked in the source
    // tree
    // (in particular .helmignore must not drop crds-src/).
    String packaged =
        helm.run("template", RELEASE, archive.toString(), "--namespace", NAMESPACE)
            .assertSuccess()
            .stdout();
    assertThat(packaged).isEqualTo(render(DEFAULTS));
    List<String> entries = tarEntryNames(archive);
    assertThat(entries)
        .contains(
            "gantry/values.schema.json", "gantry/crds-src/gantryproxyconfigs.gantry.dev-v1.yml");
    assertThat(entries).noneMatch(e -> e.startsWith("gantry/ci/"));
  }

  @Test
  void notesStateTheGatewayApiPrerequisite() throws Exception {
    Helm.Result install =
        helm.run("install", RELEASE, chart(), "--namespace", NAMESPACE, "--dry-run=client")
            .assertSuccess();
    String notes = install.stdout().substring(install.stdout().indexOf("NOTES:"));
    assertThat(notes)
        .contains("Gateway API CRDs, standard channel v1.6.1")
        .contains("gantry-operator");
  }

  // ---- helpers
  // ----------------------------------------------------------------------------------------------

  private String render(String values) throws Exception {
    String cached = renders.get(values);
    if (cached == null) {
      cached = helm.run(templateArgs(values)).assertSuccess().stdout();
      renders.put(values, cached);
    }
    return cached;
  }

  private String[] templateArgs(String values, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(withValues(values, "template", RELEASE, chart(), "--namespace", NAMESPACE)));
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private String[] withValues(String values, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (!values.equals(DEFAULTS)) {
      all.add("--values");
      all.add(files.chart().resolve(values).toString());
    }
    return all.toArray(String[]::new);
  }

  private String chart() {
    return files.chart().toString();
  }

  private String chartVersion() throws IOException {
    return RenderedObjects.YAML
        .readTree(files.chart().resolve("Chart.yaml").toFile())
        .path("version")
        .asText();
  }

  /**
   * File names inside a .tgz. The JDK's gzip reader, because commons-compress 1.28 rejects the
   * extra header field helm writes into its archives.
   */
  private static List<String> tarEntryNames(Path archive) throws IOException {
    List<String> names = new ArrayList<>();
    try (var tar = new TarArchiveInputStream(new GZIPInputStream(Files.newInputStream(archive)))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (e.isFile()) {
          names.add(e.getName());
        }
      }
    }
    return names;
  }

  private String appVersion() throws IOException {
    return RenderedObjects.YAML
        .readTree(files.chart().resolve("Chart.yaml").toFile())
        .path("appVersion")
        .asText();
  }

  private static String podChecksum(String rendered) throws IOException {
    return RenderedObjects.parse(rendered)
        .single("Deployment")
        .path("spec")
        .path("template")
        .path("metadata")
        .path("annotations")
        .path("checksum/proxy-defaults")
        .asText();
  }

  /**
   * The openAPIV3Schema of the first version of a CRD in the repository's crds/ (present even with
   * crds.install=false).
   */
  private JsonNode repositoryCrdSchema(String crdName) throws IOException {
    for (Path file : ChartFiles.yamlFilesIn(files.crds())) {
      JsonNode crd = RenderedObjects.YAML.readTree(file.toFile());
      if (crdName.equals(crd.path("metadata").path("name").asText())) {
        return crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
      }
    }
    throw new AssertionError("CRD " + crdName + ": not in crds/ (expected: a file defining it)");
  }

  /** The openAPIV3Schema of the first version of a rendered CRD. */
  private static JsonNode gantryCrdSchema(RenderedObjects objects, String crdName) {
    ObjectNode crd =
        objects
            .find("CustomResourceDefinition", crdName)
            .orElseThrow(() -> new AssertionError("CRD " + crdName + ": not rendered"));
    return crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
  }

  /** A bad values file states the error it must produce in its first line: "# expect: <text>". */
  private static String expectation(Path file) throws IOException {
    String first = Files.readAllLines(file).getFirst();
    assertThat(first).as("first line of %s", file.getFileName()).startsWith("# expect: ");
    return first.substring("# expect: ".length()).strip();
  }
}
