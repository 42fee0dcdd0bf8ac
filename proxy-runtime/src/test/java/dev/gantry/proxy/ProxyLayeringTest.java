package dev.gantry.proxy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Layering is law: the data path must never pull in Fabric8 or the translator. A compromised or
 * resource-starved proxy must not carry a Kubernetes client, and the proxy image must not grow with
 * the operator's dependencies. Only the command line ({@code cli}) and standalone mode read
 * Kubernetes YAML and translate it.
 */
class ProxyLayeringTest {

  private static final JavaClasses PROXY =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.gantry.proxy");

  @Test
  void dataPathDoesNotDependOnFabric8OrTheTranslator() {
    noClasses()
        .that()
        .resideInAPackage("dev.gantry.proxy..")
        .and()
        .resideOutsideOfPackages("dev.gantry.proxy.cli..", "dev.gantry.proxy.standalone..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.fabric8..", "io.javaoperatorsdk..", "dev.gantry.translator..")
        .because(
            "the proxy's data path must stay free of Kubernetes client code (DESIGN.md, layering)")
        .check(PROXY);
  }

  @Test
  void dataPathDoesNotDependOnTheCommandLine() {
    noClasses()
        .that()
        .resideInAPackage("dev.gantry.proxy..")
        .and()
        .resideOutsideOfPackages("dev.gantry.proxy.cli..", "dev.gantry.proxy.standalone..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.gantry.proxy.cli..", "dev.gantry.proxy.standalone..", "picocli..")
        .because("the CLI is a shell around the runtime, never the other way round")
        .check(PROXY);
  }
}
