package io.dsabench.cli;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * No package import circles, in any module: the build fails on one. Maven already keeps the modules
 * one-way; this keeps the packages inside them one-way too (a circle such as sweep ↔ fleet means
 * neither can be read, tested or moved without the other). cli sees every module's classes, so the
 * check lives here.
 */
class PackageCyclesTest {
  @Test
  void everyPackageOfEveryModuleIsFreeOfCycles() {
    JavaClasses ours =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.dsabench");
    // Guard against a vacuous pass: every module's classes are on this classpath.
    for (String module :
        new String[] {"model", "costmodel", "kernels", "harness", "reports", "dashboard", "cli"}) {
      assertThat(ours.containPackage("io.dsabench." + module)).as(module).isTrue();
    }
    slices().matching("io.dsabench.(**)").should().beFreeOfCycles().check(ours);
  }
}
