package dev.inchworm.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.inchworm.api.Api;
import dev.inchworm.api.Pluggable;
import org.junit.jupiter.api.Test;

/**
 * The lines docs/architecture.md draws between packages, for the api and the runtime's main code (the
 * test kit is test support and starts processes by design; the bundled
 * plugins are checked by the distribution's {@code PluginArchitectureIT}, which sees their
 * classes).
 */
class ArchitectureTest {

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.inchworm.api", "dev.inchworm.runtime");

    @Test
    void theApiDependsOnTheJdkPf4jAndSlf4jOnly() {
        classes().that().resideInAPackage("dev.inchworm.api..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("dev.inchworm.api..", "java..", "org.pf4j", "org.slf4j")
                .check(CLASSES);
    }

    @Test
    void onlyRuntimePluginTouchesThePf4jManager() {
        noClasses().that().resideOutsideOfPackage("dev.inchworm.runtime.plugin..")
                .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "are PF4J classes other than the ExtensionPoint marker and @Extension",
                        c -> c.getPackageName().startsWith("org.pf4j")
                                && !c.getName().equals("org.pf4j.ExtensionPoint")
                                && !c.getName().equals("org.pf4j.Extension")))
                .check(CLASSES);
    }

    @Test
    void onlyRuntimeExecStartsOrKillsProcesses() {
        // Looking a process up (the lock's holder: ProcessHandle.of(pid).isAlive()) is fine
        // anywhere; starting, waiting for or killing one is runtime.exec's job.
        noClasses().that().resideOutsideOfPackage("dev.inchworm.runtime.exec..")
                .should().dependOnClassesThat().belongToAnyOf(ProcessBuilder.class, Process.class)
                .orShould().callMethod(Runtime.class, "exec", String.class)
                .orShould().callMethod(Runtime.class, "exec", String[].class)
                .orShould().callMethod(ProcessHandle.class, "destroy")
                .orShould().callMethod(ProcessHandle.class, "destroyForcibly")
                .orShould().callMethod(ProcessHandle.class, "onExit")
                .check(CLASSES);
    }

    @Test
    void onlyRuntimeCliTouchesStandardStreamsAndExit() {
        noClasses().that().resideOutsideOfPackage("dev.inchworm.runtime.cli..")
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .orShould().accessField(System.class, "in")
                .orShould().callMethod(System.class, "exit", int.class)
                .orShould().callMethod(Runtime.class, "halt", int.class)
                .check(CLASSES);
    }

    @Test
    void onlyRuntimeCliUsesPicocli() {
        noClasses().that().resideOutsideOfPackage("dev.inchworm.runtime.cli..")
                .should().dependOnClassesThat().resideInAPackage("picocli..")
                .check(CLASSES);
    }

    @Test
    void runtimePackagesAreLayered() {
        // cli -> engine -> journal / nix / plugin -> exec / config (exec reads config); the api is
        // below them all.
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("dev.inchworm.runtime.cli..")
                .layer("engine").definedBy("dev.inchworm.runtime.engine..")
                .layer("journal").definedBy("dev.inchworm.runtime.journal..")
                .layer("nix").definedBy("dev.inchworm.runtime.nix..")
                .layer("plugin").definedBy("dev.inchworm.runtime.plugin..")
                .layer("exec").definedBy("dev.inchworm.runtime.exec..")
                .layer("config").definedBy("dev.inchworm.runtime.config..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("engine").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("journal").mayOnlyBeAccessedByLayers("cli", "engine")
                .whereLayer("nix").mayOnlyBeAccessedByLayers("cli", "engine")
                .whereLayer("plugin").mayOnlyBeAccessedByLayers("cli", "engine")
                .whereLayer("exec").mayOnlyBeAccessedByLayers("cli", "engine", "journal", "nix", "plugin")
                .whereLayer("config").mayOnlyBeAccessedByLayers("cli", "engine", "journal", "nix", "plugin", "exec")
                .check(CLASSES);
    }

    @Test
    void onlyRuntimeNixTestsForABackendClass() {
        // The engine reaches Nix through the api's interfaces (Nix, StoreMaintenance): a
        // downcast to the real backend would silently skip work with any other backend.
        classes().that().resideOutsideOfPackage("dev.inchworm.runtime.nix..")
                .should(new ArchCondition<JavaClass>("not test instanceof a class of dev.inchworm.runtime.nix") {
                    @Override
                    public void check(JavaClass item, ConditionEvents events) {
                        item.getInstanceofChecks().stream()
                                .filter(c -> c.getRawType().getPackageName().startsWith("dev.inchworm.runtime.nix"))
                                .forEach(c -> events.add(SimpleConditionEvent.violated(item, item.getName() + " tests instanceof " + c.getRawType().getName() + " " + c.getSourceCodeLocation())));
                    }
                })
                .check(CLASSES);
    }

    @Test
    void runtimePackagesHaveNoCycles() {
        slices().matching("dev.inchworm.runtime.(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void everyPublicApiTypeDeclaresItsStability() {
        classes().that().resideInAPackage("dev.inchworm.api..").and().arePublic()
                .and().doNotHaveSimpleName("package-info")
                .and().areTopLevelClasses()
                .should().beAnnotatedWith(Api.class)
                .because("a nested type (a sealed result's case) shares its enclosing type's stability")
                .check(CLASSES);
    }

    @Test
    void extensionPointsAreInterfaces() {
        classes().that().resideInAPackage("dev.inchworm.api..").and().areAssignableTo(Pluggable.class)
                .should().beInterfaces()
                .check(CLASSES);
    }
}
