package dev.gantry.proxy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The data path never touches Kubernetes: only the CLI/standalone packages may use the translator.
 */
class LayeringTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.gantry.proxy");

  @Test
  void dataPathNeverImportsFabric8OrTheTranslator() {
    noClasses()
        .that()
        .resideInAPackage("dev.gantry.proxy..")
        .and()
        .resideOutsideOfPackages("dev.gantry.proxy.cli..", "dev.gantry.proxy.standalone..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.fabric8..", "dev.gantry.translator..", "io.javaoperatorsdk..")
        .check(CLASSES);
  }
}
