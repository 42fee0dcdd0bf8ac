package dev.gantry.proxy.control;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The proxy's control channel holds no Kubernetes client: proxies get no API access at all. */
class ControlLayeringTest {

  @Test
  void controlPackageDoesNotUseFabric8OrTheTranslator() {
    var classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gantry.proxy.control");
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.fabric8..", "dev.gantry.translator..", "io.javaoperatorsdk..")
        .check(classes);
  }
}
