package io.fraudpipeline.control;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/** Domain code knows nothing of HTTP: only the web-facing classes see statuses and problems. */
class ArchitectureTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("io.fraudpipeline.control");

  @Test
  void onlyWebFacingClassesUseHttpOrTheWebPackage() {
    // security is HTTP machinery itself (a servlet filter, the filter chain, its error handlers).
    ArchRule rule =
        noClasses()
            .that()
            .resideOutsideOfPackages(
                "io.fraudpipeline.control.web..", "io.fraudpipeline.control.security..")
            .and()
            .haveNameNotMatching(".*Controller(\\$.*)?")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework.http..", "io.fraudpipeline.control.web..");

    rule.check(MAIN);
  }

  @Test
  void capabilityPackagesAreFreeOfCycles() {
    slices().matching("io.fraudpipeline.control.(*)..").should().beFreeOfCycles().check(MAIN);
  }
}
