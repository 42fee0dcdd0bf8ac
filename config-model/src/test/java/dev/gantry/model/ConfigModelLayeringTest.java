package dev.gantry.model;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The config model is the wire contract between operator and proxy: it may depend on the JDK and
 * Jackson only.
 */
class ConfigModelLayeringTest {

  private static final JavaClasses MODEL =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.gantry.model");

  @Test
  void dependsOnJdkAndJacksonOnly() {
    classes()
        .that()
        .resideInAPackage("dev.gantry.model..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage("java..", "com.fasterxml.jackson..", "dev.gantry.model..")
        .check(MODEL);
  }
}
