package dev.gantry.translator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The translator is a pure function: no Kubernetes client, no JOSDK, no files, no network, no
 * Netty, and no clock (time comes in as {@code now}). These rules keep it that way.
 */
class TranslatorLayeringTest {

  private static JavaClasses translator;

  @BeforeAll
  static void importClasses() {
    translator =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gantry.translator");
  }

  @Test
  void noClientNoOperatorFrameworkNoIoNoNetwork() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.fabric8.kubernetes.client..",
            "io.javaoperatorsdk..",
            "java.nio.file..",
            "java.net..",
            "io.netty..")
        .orShould()
        .dependOnClassesThat()
        .haveNameMatching("java\\.io\\.File.*")
        .check(translator);
  }

  @Test
  void noClock() {
    noClasses()
        .should()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(Instant.class, "now")
        .orShould()
        .callMethod(LocalDateTime.class, "now")
        .orShould()
        .dependOnClassesThat()
        .areAssignableTo(Clock.class)
        .check(translator);
  }
}
