package dev.inchworm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The assembled CLI, end to end. */
class CliIT {

    @TempDir
    Path tmp;

    final ObjectMapper json = new ObjectMapper();

    @Test
    void theDistributionHasLauncherLibAndPluginsApart() throws Exception {
        assertTrue(Files.isExecutable(Dist.LAUNCHER));
        try (Stream<Path> lib = Files.list(Dist.HOME.resolve("lib"));
             Stream<Path> plugins = Files.list(Dist.HOME.resolve("plugins"))) {
            List<String> libNames = lib.map(p -> p.getFileName().toString()).toList();
            assertTrue(libNames.stream().anyMatch(n -> n.startsWith("inchworm-runtime-")), libNames.toString());
            assertTrue(libNames.stream().anyMatch(n -> n.startsWith("pf4j-")), libNames.toString());
            assertTrue(libNames.stream().noneMatch(n -> n.startsWith("inchworm-plugin-")), libNames.toString());
            assertTrue(libNames.stream().noneMatch(n -> n.startsWith("junit") || n.startsWith("archunit")), libNames.toString());
            List<String> pluginNames = plugins.map(p -> p.getFileName().toString()).toList();
            assertTrue(pluginNames.contains("inchworm-plugin-statvfs-0.1.0.jar"), pluginNames.toString());
            assertTrue(pluginNames.stream().allMatch(n -> n.startsWith("inchworm-plugin-")), pluginNames.toString());
        }
        assertTrue(Files.isRegularFile(Dist.HOME.resolveSibling("inchworm-0.1.0.tar.gz")));
    }

    @Test
    void everyBundledPluginWithAnExtensionIsInTheDistribution() throws Exception {
        String modules = Files.readString(Dist.ROOT.resolve("plugins/pom.xml"));
        var matcher = java.util.regex.Pattern.compile("<module>([^<]+)</module>").matcher(modules);
        while (matcher.find()) {
            // a module without an extension yet (a library taking shape) would only fail to load
            Path index = Dist.ROOT.resolve("plugins/" + matcher.group(1) + "/target/classes/META-INF/extensions.idx");
            boolean hasExtension = Files.isRegularFile(index)
                    && Files.readAllLines(index).stream().anyMatch(l -> !l.isBlank() && !l.startsWith("#"));
            if (!hasExtension) {
                continue;
            }
            Path jar = Dist.HOME.resolve("plugins/inchworm-plugin-" + matcher.group(1) + "-0.1.0.jar");
            assertTrue(Files.isRegularFile(jar), jar + " missing: add the module to dist/pom.xml as a provided dependency");
        }
    }

    @Test
    void version() throws Exception {
        Dist.Result r = Dist.run(tmp, "--version");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("inchworm 0.1.0\napi 0.1.0\n"), r.out());
    }

    @Test
    void pluginsJsonListsTheBundledStatvfsProbe() throws Exception {
        Dist.Result r = Dist.run(tmp, "plugins", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = json.readTree(r.out());
        assertEquals(Dist.HOME.resolve("plugins").toString(), doc.get("folders").get(0).asText());
        JsonNode statvfs = plugin(doc, "statvfs");
        assertEquals("StorageProbe", statvfs.get("extensions").get(0).get("point").asText());
        assertEquals("statvfs", statvfs.get("extensions").get(0).get("id").asText());
        assertEquals(0, doc.get("failures").size());
    }

    static JsonNode plugin(JsonNode doc, String id) {
        for (JsonNode p : doc.get("plugins")) {
            if (p.get("id").asText().equals(id)) {
                return p;
            }
        }
        throw new AssertionError("no plugin " + id + " in " + doc);
    }

    @Test
    void probeMeasuresARealFolderAsTheJdkSeesIt() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("store"));
        Path profile = tmp.resolve("local.yaml");
        Files.writeString(profile, """
                host: it
                system: {repository: /nonexistent, expression: default.nix, attribute: system}
                stateDir: %s
                probe: {id: statvfs, settings: {path: %s, boot: /}}
                """.formatted(tmp.resolve("state"), store));
        Dist.Result r = Dist.run(tmp, "probe", "--profile", profile.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = json.readTree(r.out());
        JsonNode v = doc.get("store");
        FileStore fs = Files.getFileStore(store);
        assertEquals(store.toString(), v.get("path").asText());
        assertEquals(fs.getTotalSpace(), v.get("totalBytes").asLong(), "statvfs f_blocks * f_frsize");
        long free = v.get("freeBytes").asLong();
        assertTrue(free > 0 && free <= v.get("totalBytes").asLong(), r.out());
        // f_bavail as the JDK reads it; other writers may move it a little in between
        assertTrue(Math.abs(fs.getUsableSpace() - free) < (256L << 20), free + " vs " + fs.getUsableSpace());
        assertTrue(v.get("freeInodes").asLong() <= v.get("totalInodes").asLong());
        assertEquals("/", doc.get("boot").get("path").asText());

        Dist.Result text = Dist.run(tmp, "probe", "--profile", profile.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("store " + store + ": "), text.out());
    }

    @Test
    void theReadmeExampleProfileProbesOnAnyMachine() throws Exception {
        Dist.Result r = Dist.run(tmp, "probe", "--profile", Dist.ROOT.resolve("docs/examples/local.yaml").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("store /: "), r.out());
    }

    @Test
    void configErrorsExitWith2AndNameTheLine() throws Exception {
        Path profile = tmp.resolve("bad.yaml");
        Files.writeString(profile, """
                host: it
                system: {repository: /r, expression: default.nix, attribute: system}
                probe: {id: statvfs, settings: {paht: /}}
                """);
        Dist.Result r = Dist.run(tmp, "probe", "--profile", profile.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains(profile + ":3:9: probe.settings.paht: settings of 'statvfs': unknown key 'paht'; "
                + "allowed keys: path, boot"), r.err());

        Files.writeString(profile, "host: it\nswitch: reboot\n");
        Dist.Result validate = Dist.run(tmp, "config", "validate", profile.toString());
        assertEquals(2, validate.code());
        assertTrue(validate.err().contains(profile + ":1:1: system: required key is missing"), validate.err());

        assertEquals(2, Dist.run(tmp, "probe").code(), "missing --profile is a usage error");
    }

    @Test
    void aProbeThatCannotMeasureIsAConfigurationErrorNamingTheProbe() throws Exception {
        Path profile = tmp.resolve("missing.yaml");
        Files.writeString(profile, """
                host: it
                system: {repository: /r, expression: default.nix, attribute: system}
                probe: {id: statvfs, settings: {path: /inchworm/does/not/exist}}
                """);
        Dist.Result r = Dist.run(tmp, "probe", "--profile", profile.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("probe 'statvfs' (plugin statvfs) could not measure"), r.err());
        assertTrue(r.err().contains("/inchworm/does/not/exist"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace for a configuration error: " + r.err());
    }

    @Test
    void anotherPluginsFolderFromTheEnvironment() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Dist.Result r = Dist.run(tmp, Map.of("INCHWORM_PLUGINS", empty.toString()), "plugins", "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(0, json.readTree(r.out()).get("plugins").size());
    }
}
