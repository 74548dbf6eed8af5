package io.fraudpipeline.control;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package rules of control-api, checked on its compiled classes (tests excluded).
 *
 * <p>Each package under {@code io.fraudpipeline.control} is a capability ({@code jobs}, {@code
 * pipeline}, {@code savepoints}, {@code flink}...), and no capability needs, directly or through
 * others, one that needs it back: each can be read, tested and changed with only what lies beneath
 * it in view.
 *
 * <p>HTTP stays at the edge. Spring's HTTP and MVC types ({@code org.springframework.http..},
 * {@code org.springframework.web..}), the servlet API and the {@code web} package are used only by
 *
 * <ul>
 *   <li>the {@code *Controller} classes, which live in the package of their capability;
 *   <li>{@code web}: problem documents, the exception handler, request headers and parameters;
 *   <li>{@code security}: the bearer-token servlet filter, the filter chain and its error handlers;
 *   <li>{@code sse}: the server-sent-event fan-out; the feeds that use it (alerts, events) hand it
 *       items and describe their events as {@code sse.StreamEvent}, and only controllers open
 *       streams.
 * </ul>
 *
 * Everything else is domain code: it throws the exceptions of {@code errors}, which {@code web}
 * maps to problem types.
 */
class ArchitectureTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
          .importPackages("io.fraudpipeline.control");

  @Test
  void capabilityPackagesAreFreeOfCycles() {
    slices().matching("io.fraudpipeline.control.(*)..").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void onlyControllersAndTheWebEdgeUseHttpTypesOrTheWebPackage() {
    noClasses()
        .that()
        .resideOutsideOfPackages(
            "io.fraudpipeline.control.web..",
            "io.fraudpipeline.control.security..",
            "io.fraudpipeline.control.sse..")
        .and()
        .haveNameNotMatching(".*Controller(\\$.*)?")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.springframework.http..",
            "org.springframework.web..",
            "jakarta.servlet..",
            "io.fraudpipeline.control.web..")
        .check(MAIN);
  }
}
