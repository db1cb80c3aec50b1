package dev.inchworm.dist;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules for plugins, checked on the built classes of every bundled plugin and the
 * template (they are not on the runtime's test class path).
 */
class PluginArchitectureIT {

    static JavaClasses plugins;

    @BeforeAll
    static void importPluginClasses() throws IOException {
        List<Path> folders;
        try (Stream<Path> modules = Files.list(Dist.ROOT.resolve("plugins"))) {
            folders = Stream.concat(modules.map(m -> m.resolve("target/classes")),
                    Stream.of(Dist.ROOT.resolve("plugin-template/target/classes"))).filter(Files::isDirectory).toList();
        }
        assertTrue(folders.size() >= 2, "plugin classes not built: " + folders);
        plugins = new ClassFileImporter().importPaths(folders);
        assertTrue(plugins.contain("dev.inchworm.plugins.statvfs.StatvfsProbe"));
    }

    @Test
    void pluginsDependOnTheApiJdkSlf4jAndPf4jOnly() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                        "dev.inchworm.api..", "java..", "org.slf4j..", "org.pf4j",
                        "dev.inchworm.plugins..", "org.example.inchworm..")
                .check(plugins);
    }

    @Test
    void pluginsDoNotDependOnEachOther() {
        slices().matching("dev.inchworm.plugins.(*)..").should().notDependOnEachOther().check(plugins);
        noClasses().that().resideInAPackage("org.example..").should().dependOnClassesThat()
                .resideInAPackage("dev.inchworm.plugins..").check(plugins);
    }

    @Test
    void pluginsNeverStartProcessesOrTouchStandardStreams() {
        noClasses().should().dependOnClassesThat().belongToAnyOf(ProcessBuilder.class, Process.class, ProcessHandle.class)
                .orShould().callMethod(Runtime.class, "exec", String.class)
                .orShould().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .orShould().callMethod(System.class, "exit", int.class)
                .check(plugins);
    }
}
