package dev.gantry.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The image reference helpers of the spec. (The class and the CRD schema cannot drift apart: the
 * schema is generated from the class, see {@link CrdDriftTest}.)
 */
class GantryProxyConfigSpecTest {

  @Test
  void imageReferencesRoundTrip() {
    assertThat(GantryProxyConfigSpec.Image.of("ghcr.io/gantry-dev/gantry-proxy:0.1.0").reference())
        .isEqualTo("ghcr.io/gantry-dev/gantry-proxy:0.1.0");
    assertThat(GantryProxyConfigSpec.Image.of("registry:5000/gantry").reference())
        .isEqualTo("registry:5000/gantry:latest");
    assertThat(GantryProxyConfigSpec.Image.of("gantry@sha256:abc").reference())
        .isEqualTo("gantry@sha256:abc");
  }
}
