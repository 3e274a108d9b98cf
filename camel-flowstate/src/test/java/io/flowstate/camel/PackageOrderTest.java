package io.flowstate.camel;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Dependencies between the component's packages point one way, from the component's faces (the component, and the
 * beans of Camel's SPIs in {@code repository}, which nothing imports) down to the repository SPI
 * and the helpers under it; every package may use the face's constants and exception (as in every Camel component).
 * The repository SPI knows none of its backends, and the backends know none of each other, so a backend can ship as
 * its own artifact.
 */
class PackageOrderTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.flowstate.camel");
    }

    @Test
    void noPackageImportsOneAboveIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("face").definedBy("io.flowstate.camel")
                .layer("spis").definedBy("io.flowstate.camel.repository..")
                .layer("flow").definedBy("io.flowstate.camel.step..", "io.flowstate.camel.language..",
                        "io.flowstate.camel.trigger..", "io.flowstate.camel.aggregate..", "io.flowstate.camel.metrics..")
                .layer("execution").definedBy("io.flowstate.camel.execution..")
                .layer("state").definedBy("io.flowstate.camel.state..", "io.flowstate.camel.resource..")
                .layer("snapshot").definedBy("io.flowstate.camel.snapshot..")
                .layer("support").definedBy("io.flowstate.camel.support..")
                .whereLayer("face").mayNotBeAccessedByAnyLayer()
                .whereLayer("spis").mayNotBeAccessedByAnyLayer()
                .whereLayer("flow").mayOnlyBeAccessedByLayers("face")
                .whereLayer("execution").mayOnlyBeAccessedByLayers("face", "spis", "flow")
                .whereLayer("state").mayOnlyBeAccessedByLayers("face", "spis", "flow", "execution")
                .whereLayer("snapshot").mayOnlyBeAccessedByLayers("face", "spis", "flow", "execution", "state")
                .whereLayer("support").mayOnlyBeAccessedByLayers("face", "spis", "flow", "execution", "state", "snapshot")
                .ignoreDependency(DescribedPredicate.alwaysTrue(),
                        JavaClass.Predicates.belongToAnyOf(FlowStateConstants.class, FlowStateException.class))
                .check(classes);
    }

    @Test
    void theRepositorySpiKnowsNoneOfItsBackendsAndTheBackendsNoneOfEachOther() {
        noneKnowsAnother("io.flowstate.camel.snapshot", "io.flowstate.camel.snapshot.file",
                "io.flowstate.camel.snapshot.jdbc", "io.flowstate.camel.snapshot.memory");
        noClasses().that().resideInAPackage("io.flowstate.camel.snapshot").should().dependOnClassesThat()
                .resideInAnyPackage("io.flowstate.camel.snapshot.file..", "io.flowstate.camel.snapshot.jdbc..",
                        "io.flowstate.camel.snapshot.memory..")
                .check(classes);
    }

    @Test
    void theFlowPackagesKnowNoneOfEachOther() {
        noneKnowsAnother("io.flowstate.camel.step", "io.flowstate.camel.language", "io.flowstate.camel.trigger", "io.flowstate.camel.metrics",
                "io.flowstate.camel.aggregate");
    }

    /** The first package is skipped as a target: a parent may be known by its sub-packages. */
    private static void noneKnowsAnother(String... packages) {
        for (String from : packages) {
            for (int i = 1; i < packages.length; i++) {
                String to = packages[i];
                if (!to.equals(from) && !to.startsWith(from + ".")) {
                    noClasses().that().resideInAPackage(from + "..").should().dependOnClassesThat()
                            .resideInAPackage(to + "..").allowEmptyShould(true).check(classes);
                }
            }
        }
    }
}
