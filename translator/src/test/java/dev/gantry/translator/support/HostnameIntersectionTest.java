package dev.gantry.translator.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostnameIntersectionTest {

  @Test
  void noHostnamesOnEitherSideMeansAnyHost() {
    assertThat(HostnameIntersection.effective(null, List.of())).containsExactly("*");
  }

  @Test
  void listenerHostnameAppliesToRoutesWithout() {
    assertThat(HostnameIntersection.effective("foo.example.com", List.of()))
        .containsExactly("foo.example.com");
  }

  @Test
  void theMoreSpecificSideWins() {
    assertThat(HostnameIntersection.effective("very.specific.com", List.of("*.specific.com")))
        .containsExactly("very.specific.com");
    assertThat(HostnameIntersection.effective("*.example.com", List.of("*.foo.example.com")))
        .containsExactly("*.foo.example.com");
    assertThat(HostnameIntersection.effective("*.foo.example.com", List.of("*.example.com")))
        .containsExactly("*.foo.example.com");
  }

  @Test
  void aWildcardNeverMatchesItsBareSuffixAndNonIntersectingNamesAreIgnored() {
    assertThat(
            HostnameIntersection.effective(
                "*.wildcard.io",
                List.of("wildcard.io", "foo.wildcard.io", "foo.bar.wildcard.io", "x.com")))
        .containsExactly("foo.wildcard.io", "foo.bar.wildcard.io");
    assertThat(HostnameIntersection.effective("*.wildcard.io", List.of("wildcard.io"))).isEmpty();
  }

  @Test
  void hostnamesAreCompareCaseInsensitively() {
    assertThat(HostnameIntersection.effective("Foo.Example.com", List.of("FOO.example.COM")))
        .containsExactly("foo.example.com");
  }
}
