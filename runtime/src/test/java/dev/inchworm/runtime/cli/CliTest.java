package dev.inchworm.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inchworm.api.host.Command;
import dev.inchworm.api.host.CommandResult;
import dev.inchworm.api.host.CommandRunner;
import dev.inchworm.runtime.plugin.TestPlugins;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The command line driven in-process, over real plugin jars built in the test. */
class CliTest {

    @TempDir
    Path tmp;

    Path plugins;
    final List<List<String>> ran = new ArrayList<>();

    /** Answers every command with its last argument, as a stand-in for the host's runner. */
    final CommandRunner echo = (Command c) -> {
        ran.add(c.argv());
        return new CommandResult(c.argv(), 0, c.argv().get(c.argv().size() - 1) + "\n", List.of(), false, false,
                Duration.ZERO, Optional.empty());
    };

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void bundledPlugins() throws IOException {
        Files.createDirectories(tmp.resolve("repo"));
        plugins = tmp.resolve("plugins");
        TestPlugins builder = new TestPlugins(tmp);
        builder.plugin("fixed").source("t.fixed.Probe", TestPlugins.probeSource("t.fixed", "Probe", "statvfs", ""), true)
                .writeTo(plugins);
        builder.plugin("basics")
                .source("t.basics.Full", TestPlugins.simpleSource("t.basics", "Full", "full-rebuild", "UpgradeStrategy"), true)
                .source("t.basics.Gen", TestPlugins.simpleSource("t.basics", "Gen", "generation", "Rollback"), true)
                .source("t.basics.Gc", TestPlugins.simpleSource("t.basics", "Gc", "gc", "Reclaimer"), true)
                .writeTo(plugins);
    }

    Run run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = InchwormCommand.commandLine(new CliEnvironment(env, Optional.empty(), p -> echo));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    Run run(String... args) {
        return run(Map.of(), args);
    }

    Path profile(String name, String content) throws IOException {
        Path file = tmp.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    static final String MINIMAL = """
            host: test-host
            system: {repository: repo, expression: default.nix, attribute: system}
            """;

    @Test
    void versionNamesRuntimeAndApi() {
        Run r = run("--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("inchworm 0.1.0"), r.out());
        assertTrue(r.out().contains("api 0.1.0"), r.out());
    }

    @ParameterizedTest
    @CsvSource({"--help", "plugins --help", "config --help", "config validate --help", "probe --help", "help probe"})
    void everyCommandHasHelp(String args) {
        Run r = run(args.split(" "));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Usage: inchworm"), r.out());
    }

    @Test
    void rootHelpDocumentsTheExitCodes() {
        String help = run("--help").out();
        assertTrue(help.contains("2   usage or configuration error"), help);
        assertTrue(help.contains("5   another run holds the lock"), help);
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(2, run().code());
        assertEquals(2, run("--no-such-option").code());
        assertEquals(2, run("frobnicate").code());
        Run probe = run("probe");
        assertEquals(2, probe.code());
        assertTrue(probe.err().contains("--profile"), probe.err());
    }

    @Test
    void pluginsListsExtensionsAsJson() throws Exception {
        Run r = run("--plugins-dir", plugins.toString(), "plugins", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("0.1.0", doc.get("apiVersion").asText());
        assertEquals(2, doc.get("plugins").size());
        JsonNode fixed = doc.get("plugins").get(1);
        assertEquals("fixed", fixed.get("id").asText());
        assertEquals("StorageProbe", fixed.get("extensions").get(0).get("point").asText());
        assertEquals("statvfs", fixed.get("extensions").get(0).get("id").asText());
        assertEquals("path", fixed.get("extensions").get(0).get("settings").get(0).asText());
        assertEquals(0, doc.get("failures").size());
    }

    @Test
    void pluginsFolderFromEnvironmentOrInheritedOptionAndProfileFolder() throws Exception {
        Path third = tmp.resolve("third");
        Files.createDirectories(third);
        Files.writeString(third.resolve("broken.jar"), "not a jar");
        Path file = profile("h.yaml", MINIMAL + "pluginsDir: third\n");
        Run r = run(Map.of("INCHWORM_PLUGINS", plugins.toString()), "plugins", "--profile", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("fixed 1.0.0"), r.out());
        assertTrue(r.out().contains("StorageProbe     statvfs"), r.out());
        assertTrue(r.out().contains("failed to load:\n  broken.jar (" + third.resolve("broken.jar") + ")"), r.out());

        Run inherited = run("plugins", "--plugins-dir", plugins.toString());
        assertTrue(inherited.out().contains("fixed 1.0.0"), inherited.out() + inherited.err());
    }

    @Test
    void duplicateIdsExitWith2() {
        new TestPlugins(tmp).plugin("again").source("t.again.Probe",
                TestPlugins.probeSource("t.again", "Probe", "statvfs", ""), true).writeTo(plugins);
        Run r = run("--plugins-dir", plugins.toString(), "plugins");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("StorageProbe 'statvfs' is supplied by two plugins"), r.err());
    }

    @Test
    void validatePrintsOkAndASummary() throws IOException {
        Path file = profile("ok.yaml", MINIMAL + "probe: {id: statvfs, settings: {path: /}}\n");
        Run r = run("--plugins-dir", plugins.toString(), "config", "validate", file.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("OK: " + file), r.out());
        assertTrue(r.out().contains("host:         test-host"), r.out());
        assertTrue(r.out().contains("reclaimers:   gc"), r.out());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unknown key      | nix: {optons: {}}                                   | :3:7: nix.optons: unknown key 'optons'; allowed keys: profile, options",
        "wrong type       | nix: {prefix: nsenter}                              | :3:7: nix.prefix: wrong type: expected a list",
        "bad enum value   | switch: reboot                                      | :3:1: switch: unknown value 'reboot'; allowed values: switch, boot",
        "unknown id       | reclaimers: [gc, trash]                             | :3:18: reclaimers[1].id: unknown Reclaimer 'trash'; allowed: gc",
        "bad settings     | probe: {id: statvfs, settings: {pth: /}}            | :3:9: probe.settings.pth: settings of 'statvfs': unknown key 'pth'; allowed keys: path, depth",
        "rejected setting | probe: {id: statvfs, settings: {depth: -1}}         | :3:9: probe.settings: settings of 'statvfs': depth must not be negative",
        "settings type    | probe: {id: statvfs, settings: {depth: [1]}}        | :3:9: probe.settings.depth: settings of 'statvfs': wrong type: expected a number, found a list",
    })
    void configErrorsNameLineColumnKeyAndExitWith2(String kind, String line, String expected) throws IOException {
        Path file = profile("bad.yaml", MINIMAL + line + "\n");
        Run r = run("--plugins-dir", plugins.toString(), "config", "validate", file.toString());
        assertEquals(2, r.code(), kind + ": " + r.out() + r.err());
        assertTrue(r.err().startsWith("inchworm: " + file + expected), kind + ": " + r.err());
    }

    @Test
    void missingRequiredKeyExitsWith2() throws IOException {
        Path file = profile("bad.yaml", "host: h\nsystem: {repository: /r, attribute: system}\n");
        Run r = run("config", "validate", "--no-plugins", file.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains(file + ":2:1: system.expression: required key is missing"), r.err());
    }

    @Test
    void probeRunsTheSelectedProbeThroughTheHostsRunner() throws Exception {
        Path file = profile("p.yaml", MINIMAL + "probe: {id: statvfs, settings: {path: /srv}}\n");
        Run text = run("--plugins-dir", plugins.toString(), "probe", "--profile", file.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("store /srv: 400 B free of 1000 B (40%), 4 of 10 inodes free"), text.out());
        assertEquals(List.of("echo", "/srv"), ran.get(0));

        Run json = run("--plugins-dir", plugins.toString(), "probe", "--profile", file.toString(), "--json");
        assertEquals(0, json.code(), json.err());
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertEquals("test-host", doc.get("host").asText());
        assertEquals(400, doc.get("store").get("freeBytes").asLong());
        assertTrue(doc.get("boot").isNull());
    }

    @Test
    void probeOfAnIdNoPluginSuppliesExitsWith2() throws IOException {
        Path file = profile("p.yaml", MINIMAL + "probe: btrfs\n");
        Run r = run("--plugins-dir", plugins.toString(), "probe", "--profile", file.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("probe.id: unknown StorageProbe 'btrfs'; allowed: statvfs"), r.err());
    }
}
