package dev.gantry.proxy.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNormalizerTest {

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource({
    "/, /",
    "/a/b, /a/b",
    "/a/b/, /a/b/",
    "/a/./b, /a/b",
    "/a/../b, /b",
    "/a/b/.., /a/",
    "/a/b/., /a/b/",
    "/.., /",
    "/../../x, /x",
    "//a///b, /a/b",
    "/%61%62%63, /abc",
    "/%7e%2D%5f%2e, /~-_.",
    "/a/%2e%2e/b, /b",
    "/a/%2E/b, /a/b",
    "/a%2fb, /a%2Fb",
    "/a%2Fb/../c, /c",
    "/a%20b, /a%20b",
    "/a%3fb, /a%3Fb",
    "/a?x=%2e%2e/../, /a?x=%2e%2e/../",
    "/a/..?q=1, /?q=1",
    "/..., /...",
    "/a/.b/..c, /a/.b/..c",
  })
  void normalises(String in, String out) {
    assertThat(PathNormalizer.normalizeTarget(in)).isEqualTo(out);
  }

  @ParameterizedTest
  @CsvSource({"/a%", "/a%2", "/a%zz", "/a%g0/b"})
  void rejectsMalformedPercentEncoding(String in) {
    assertThatThrownBy(() -> PathNormalizer.normalizeTarget(in))
        .isInstanceOf(PathNormalizer.InvalidPathException.class)
        .hasMessageStartingWith("path: ")
        .hasMessageContaining("(expected: '%' followed by two hexadecimal digits");
  }

  @ParameterizedTest
  @CsvSource({"/plain/path", "/a/b?c=d", "/"})
  void leavesCleanTargetsAsTheSameInstance(String in) {
    assertThat(PathNormalizer.normalizeTarget(in)).isSameAs(in);
  }
}
