package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.reclaim.ReclaimContext;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.runtime.config.Selection;
import dev.inchworm.runtime.config.SourceLocation;
import dev.inchworm.runtime.engine.MemoryPluginState;
import dev.inchworm.runtime.engine.RuntimeHost;
import dev.inchworm.runtime.plugin.ExtensionKind;
import dev.inchworm.runtime.plugin.PluginRegistry;
import dev.inchworm.runtime.plugin.Selected;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The plugin template's built jar, loaded as a third-party plugin through the real manager. */
class TemplatePluginIT {

    static final Path TEMPLATE_JAR = Path.of(System.getProperty("inchworm.template.jar"));

    @TempDir
    Path tmp;

    @Test
    void theBuiltTemplateLoadsAndReclaimsOldFiles() throws Exception {
        Path pluginsDir = Files.createDirectories(tmp.resolve("third-party"));
        Files.copy(TEMPLATE_JAR, pluginsDir.resolve("old-files.jar"));
        Path folder = Files.createDirectories(tmp.resolve("cache"));
        Path old = Files.write(folder.resolve("old.log"), new byte[4096]);
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
        Path fresh = Files.write(folder.resolve("fresh.log"), new byte[4096]);

        try (PluginRegistry registry = PluginRegistry.load(List.of(Dist.HOME.resolve("plugins"), pluginsDir))) {
            assertEquals(List.of(), registry.failures());
            var settings = JsonNodeFactory.instance.objectNode()
                    .put("folder", folder.toString()).put("glob", "*.log").put("olderThanDays", 30);
            Selected selected = registry.select(ExtensionKind.RECLAIMER,
                    new Selection("old-files", settings, new SourceLocation(tmp.resolve("h.yaml"), 9, 5)), "reclaimers[0]");
            assertEquals("old-files", selected.extension().plugin().id());
            assertEquals(Reclaimer.COST_HISTORY, selected.as(Reclaimer.class).cost());

            RuntimeHost host = new RuntimeHost("it", null, null, c -> { throw new UnsupportedOperationException(); },
                    () -> { throw new UnsupportedOperationException(); }, tmp.resolve("state"), "old-files",
                    LoggerFactory.getLogger("old-files"));
            Reclaimed reclaimed = reclaim(selected, host);
            assertEquals(4096, reclaimed.freedBytes());
            assertFalse(Files.exists(old));
            assertTrue(Files.exists(fresh));
        }
    }

    @Test
    void theCliListsItFromTheProfilesPluginsDir() throws Exception {
        Path pluginsDir = Files.createDirectories(tmp.resolve("third-party"));
        Files.copy(TEMPLATE_JAR, pluginsDir.resolve("old-files.jar"));
        Path profile = tmp.resolve("h.yaml");
        Files.writeString(profile, """
                host: it
                system: {repository: /r, expression: default.nix, attribute: system}
                pluginsDir: third-party
                """);
        Dist.Result r = Dist.run(tmp, "plugins", "--profile", profile.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        var doc = new ObjectMapper().readTree(r.out());
        var oldFiles = CliIT.plugin(doc, "old-files");
        assertEquals(pluginsDir.toString(), oldFiles.get("path").asText().replace("/old-files.jar", ""));
        assertEquals("Reclaimer", oldFiles.get("extensions").get(0).get("point").asText());
        assertEquals("[\"folder\",\"glob\",\"olderThanDays\"]", oldFiles.get("extensions").get(0).get("settings").toString());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Reclaimed reclaim(Selected selected, Host host) {
        Record settings = selected.settings();
        PluginState state = new MemoryPluginState();
        ReclaimContext context = new ReclaimContext() {
            public Record settings() { return settings; }
            public Host host() { return host; }
            public PluginState state() { return state; }
            public Set<Integer> protectedGenerations() { return Set.of(); }
        };
        return selected.as(Reclaimer.class).reclaim(context, Long.MAX_VALUE);
    }
}
