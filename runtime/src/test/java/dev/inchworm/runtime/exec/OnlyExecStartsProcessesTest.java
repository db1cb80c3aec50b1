package dev.inchworm.runtime.exec;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Only runtime.exec starts processes: the prefix, bounds and timeouts then hold everywhere. */
class OnlyExecStartsProcessesTest {

    private static final JavaClasses RUNTIME = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.inchworm.runtime");

    @Test
    void noOtherPackageTouchesProcesses() {
        noClasses().that().resideOutsideOfPackage("dev.inchworm.runtime.exec..")
                .should().dependOnClassesThat().haveFullyQualifiedName(ProcessBuilder.class.getName())
                // looking a process up (the lock's holder) is fine; killing one is not
                .orShould().callMethod(ProcessHandle.class, "destroy")
                .orShould().callMethod(ProcessHandle.class, "destroyForcibly")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(Process.class.getName())
                .orShould().callMethod(Runtime.class, "exec", String.class)
                .orShould().callMethod(Runtime.class, "exec", String[].class)
                .because("only runtime.exec starts processes")
                .check(RUNTIME);
    }
}
