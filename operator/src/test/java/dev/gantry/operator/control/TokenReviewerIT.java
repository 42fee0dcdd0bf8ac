package dev.gantry.operator.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gantry.operator.testing.MockCluster;
import dev.gantry.operator.testing.MockCluster.IssuedToken;
import dev.gantry.stream.ControlChannelAuth;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * TokenReview through the Fabric8 client against the mock API server; the reviews themselves are
 * expectations (the mock cannot mint or check tokens), which is why the E2E tier checks the same
 * against a real API server.
 */
@Timeout(30)
class TokenReviewerIT {

  MockCluster cluster;

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    cluster.answerTokenReviews(
        Map.of(
            "proxy",
            new IssuedToken(
                "system:serviceaccount:infra:gantry-gw",
                List.of(ControlChannelAuth.TOKEN_AUDIENCE)),
            "api",
            new IssuedToken("system:serviceaccount:infra:gantry-gw", List.of("https://kubernetes")),
            "user",
            new IssuedToken("alice", List.of(ControlChannelAuth.TOKEN_AUDIENCE))));
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  void aProxyTokenForTheStreamsAudienceIsItsServiceAccount() {
    TokenReviewer r = TokenReviewer.defaults(cluster.client());
    assertThat(r.review("proxy"))
        .isEqualTo(new TokenReviewer.Result.Authenticated(new ProxyIdentity("infra", "gantry-gw")));
  }

  @Test
  void otherAudiencesUnknownTokensAndNonServiceAccountsAreRefused() {
    TokenReviewer r = TokenReviewer.defaults(cluster.client());
    assertThat(r.review("api"))
        .isEqualTo(new TokenReviewer.Result.Refused("token audiences are invalid"));
    assertThat(r.review("nope"))
        .isEqualTo(new TokenReviewer.Result.Refused("invalid bearer token"));
    assertThat(r.review("user"))
        .isEqualTo(
            new TokenReviewer.Result.Refused(
                "user: alice (expected: system:serviceaccount:<namespace>:<name>)"));
  }

  @Test
  void answersAreCachedBrieflyAndBoundedByTokenHash() throws Exception {
    java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
    TokenReviewer r = new TokenReviewer(cluster.client(), Duration.ofSeconds(30), 2, nanos::get);
    for (int i = 0; i < 5; i++) {
      r.review("proxy");
      r.review("nope");
    }
    assertThat(cluster.tokenReviews()).as("one review per token within the TTL").isEqualTo(2);
    nanos.addAndGet(Duration.ofSeconds(29).toNanos());
    r.review("proxy");
    assertThat(cluster.tokenReviews()).as("still within the TTL").isEqualTo(2);
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    r.review("proxy");
    assertThat(cluster.tokenReviews()).as("expired answers are asked again").isEqualTo(3);
    r.review("api");
    r.review("user");
    assertThat(r.cachedEntries()).isLessThanOrEqualTo(2);
  }
}
