package dev.gantry.operator;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** JOSDK stays in the watch package, so the rest of the operator is plain, testable Java. */
class LayeringTest {

  @Test
  void onlyTheWatchPackageKnowsJosdk() {
    var classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gantry.operator");
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.gantry.operator.watch..")
        .and()
        .doNotHaveFullyQualifiedName(GantryOperator.class.getName())
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.javaoperatorsdk..")
        .check(classes);
  }

  @Test
  void theStreamAndInputPackagesDoNotWriteToKubernetes() {
    var classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gantry.operator.stream", "dev.gantry.operator.input");
    noClasses()
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.fabric8.kubernetes.client.KubernetesClient")
        .check(classes);
  }
}
