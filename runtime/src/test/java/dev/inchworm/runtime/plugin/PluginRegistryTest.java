package dev.inchworm.runtime.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.storage.StorageProbe;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.runtime.config.ProfileException;
import dev.inchworm.runtime.config.Selection;
import dev.inchworm.runtime.config.SourceLocation;
import dev.inchworm.runtime.engine.BasicContext;
import dev.inchworm.runtime.engine.MemoryPluginState;
import dev.inchworm.runtime.engine.RuntimeHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Plugin loading through the real PF4J manager over temp folders of real jars. */
class PluginRegistryTest {

    @TempDir
    Path tmp;

    private TestPlugins plugins() {
        return new TestPlugins(tmp);
    }

    private Path good(Path folder, String pluginId, String extensionId) {
        String pkg = "test." + pluginId.replace('-', '_');
        return plugins().plugin(pluginId)
                .source(pkg + ".Probe", TestPlugins.probeSource(pkg, "Probe", extensionId, ""), true)
                .writeTo(folder);
    }

    @Test
    void loadsAGoodPluginAndMakesEachExtensionOnce() {
        Path folder = tmp.resolve("plugins");
        good(folder, "fixed", "fixed");
        try (PluginRegistry registry = PluginRegistry.load(List.of(folder), "0.1.0")) {
            assertEquals(List.of(), registry.failures());
            assertEquals(List.of("fixed"), registry.plugins().stream().map(PluginInfo::id).toList());
            RegisteredExtension probe = registry.find(ExtensionKind.PROBE, "fixed").orElseThrow();
            assertEquals("1.0.0", probe.plugin().version());
            assertEquals("fixed numbers for tests", probe.description());
            // the same instance every time: the registry is built once
            assertTrue(probe.instance() == registry.find(ExtensionKind.PROBE, "fixed").orElseThrow().instance());
            // the extension's class came from the plugin's own class loader, the api from the runtime's
            assertTrue(probe.instance().getClass().getClassLoader() != StorageProbe.class.getClassLoader());
            assertTrue(probe.instance() instanceof StorageProbe<?>);
        }
    }

    @Test
    void runsAnExtensionWithBoundSettingsAndTheHostsCommandRunner() {
        Path folder = tmp.resolve("plugins");
        good(folder, "fixed", "fixed");
        try (PluginRegistry registry = PluginRegistry.load(List.of(folder), "0.1.0")) {
            var settings = JsonNodeFactory.instance.objectNode().put("path", "/srv");
            Selected selected = registry.select(ExtensionKind.PROBE,
                    new Selection("fixed", settings, new SourceLocation(Path.of("p.yaml"), 3, 1)), "probe");
            RuntimeHost host = new RuntimeHost("h", null, null,
                    (Command c) -> new CommandResult(c.argv(), 0, String.join(" ", c.argv().subList(1, c.argv().size())),
                            List.of(), false, false, Duration.ZERO, Optional.empty()),
                    () -> { throw new IllegalStateException(); }, tmp, "fixed", LoggerFactory.getLogger("t"));
            @SuppressWarnings({"unchecked", "rawtypes"})
            StorageReport report = ((StorageProbe) selected.as(StorageProbe.class))
                    .measure(new BasicContext(selected.settings(), host, new MemoryPluginState()));
            assertEquals("/srv", report.store().path());
            assertEquals(400, report.store().freeBytes());
        }
    }

    @Test
    void aBrokenJarIsAFailureAndTheOthersStillLoad() throws Exception {
        Path folder = tmp.resolve("plugins");
        good(folder, "fixed", "fixed");
        Files.writeString(folder.resolve("broken.jar"), "this is not a zip file");
        try (PluginRegistry registry = PluginRegistry.load(List.of(folder), "0.1.0")) {
            assertEquals(List.of("fixed"), registry.plugins().stream().map(PluginInfo::id).toList());
            assertEquals(1, registry.failures().size());
            LoadFailure failure = registry.failures().get(0);
            assertEquals("broken.jar", failure.plugin());
            assertEquals(folder.resolve("broken.jar"), failure.path());
            assertTrue(!failure.reason().isBlank(), failure.reason());
        }
    }

    @Test
    void aPluginRequiringANewerApiIsAFailureNamingBothVersions() {
        Path folder = tmp.resolve("plugins");
        good(folder, "fixed", "fixed");
        String pkg = "test.future";
        plugins().plugin("future").requires(">=2.0.0")
                .source(pkg + ".Probe", TestPlugins.probeSource(pkg, "Probe", "future", ""), true)
                .writeTo(folder);
        try (PluginRegistry registry = PluginRegistry.load(List.of(folder), "0.1.0")) {
            assertEquals(List.of("fixed"), registry.plugins().stream().map(PluginInfo::id).toList());
            LoadFailure failure = registry.failures().get(0);
            assertEquals("future", failure.plugin());
            assertTrue(failure.reason().contains(">=2.0.0") && failure.reason().contains("0.1.0"), failure.reason());
            assertTrue(registry.find(ExtensionKind.PROBE, "future").isEmpty());

            // selecting what only the failed plugin would supply names it
            ProfileException e = assertThrows(ProfileException.class, () -> registry.select(ExtensionKind.PROBE,
                    new Selection("future", JsonNodeFactory.instance.objectNode(),
                            new SourceLocation(Path.of("h.yaml"), 7, 3)), "probe"));
            assertTrue(e.getMessage().startsWith("h.yaml:7:3: probe.id: unknown StorageProbe 'future'; allowed: fixed"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("plugin 'future' failed to load: requires api >=2.0.0"), e.getMessage());
        }
    }

    @Test
    void twoPluginsWithTheSameExtensionIdAreAnErrorNamingBoth() {
        Path folder = tmp.resolve("plugins");
        good(folder, "first", "statvfs");
        good(folder, "second", "statvfs");
        PluginException e = assertThrows(PluginException.class, () -> PluginRegistry.load(List.of(folder), "0.1.0"));
        assertTrue(e.getMessage().contains("StorageProbe 'statvfs' is supplied by two plugins: first 1.0.0"), e.getMessage());
        assertTrue(e.getMessage().contains("second 1.0.0"), e.getMessage());
    }

    @Test
    void twoJarsWithTheSamePluginIdAreRefusedNamingBoth() {
        Path bundled = tmp.resolve("bundled");
        Path third = tmp.resolve("third");
        good(bundled, "same", "one");
        good(third, "same", "two");
        PluginException e = assertThrows(PluginException.class, () -> PluginRegistry.load(List.of(bundled, third), "0.1.0"));
        assertTrue(e.getMessage().contains("the plugin id 'same' is declared by two jars: " + bundled.resolve("same.jar")
                + " and " + third.resolve("same.jar")), e.getMessage());
    }

    @Test
    void anExtensionWhoseConstructorThrowsFailsItsPluginOnly() {
        Path folder = tmp.resolve("plugins");
        good(folder, "fixed", "fixed");
        String pkg = "test.angry";
        plugins().plugin("angry")
                .source(pkg + ".Probe", TestPlugins.probeSource(pkg, "Probe", "angry",
                        "if (true) throw new IllegalStateException(\"no mood today\");"), true)
                .writeTo(folder);
        try (PluginRegistry registry = PluginRegistry.load(List.of(folder), "0.1.0")) {
            assertEquals(List.of("fixed"), registry.plugins().stream().map(PluginInfo::id).toList());
            LoadFailure failure = registry.failures().get(0);
            assertEquals("angry", failure.plugin());
            assertTrue(failure.reason().contains("no mood today"), failure.reason());
        }
    }

    @Test
    void aJarWithoutAnExtensionsIndexOrBundlingTheApiIsAFailureThatSaysHowToFixIt() throws Exception {
        Path folder = tmp.resolve("plugins");
        String pkg = "test.plain";
        plugins().plugin("plain").source(pkg + ".Probe", TestPlugins.probeSource(pkg, "Probe", "plain", ""), false)
                .writeTo(folder);
        byte[] apiClass;
        try (var in = StorageProbe.class.getResourceAsStream("StorageProbe.class")) {
            apiClass = in.readAllBytes();
        }
        plugins().plugin("fat").entry("dev/inchworm/api/storage/StorageProbe.class", apiClass).writeTo(folder);
        try (PluginRegistry registry = PluginRegistry.load(List.of(folder), "0.1.0")) {
            assertEquals(List.of(), registry.plugins());
            LoadFailure fat = registry.failures().stream().filter(f -> f.plugin().equals("fat")).findFirst().orElseThrow();
            assertTrue(fat.reason().contains("bundles the Inchworm api") && fat.reason().contains("provided"), fat.reason());
            LoadFailure plain = registry.failures().stream().filter(f -> f.plugin().equals("plain")).findFirst().orElseThrow();
            assertTrue(plain.reason().contains("META-INF/extensions.idx"), plain.reason());
        }
    }

    @Test
    void missingFoldersAreSkipped() {
        try (PluginRegistry registry = PluginRegistry.load(List.of(tmp.resolve("nope")), "0.1.0")) {
            assertEquals(List.of(), registry.plugins());
            assertEquals(List.of(), registry.failures());
        }
    }

    @Test
    void theApiVersionComesFromTheApi() {
        assertEquals("0.1.0", ApiVersion.current());
    }
}
