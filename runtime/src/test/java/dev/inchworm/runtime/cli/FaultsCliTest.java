package dev.inchworm.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * Faults injected into what Nix prints, through the whole command line in-process: a scripted
 * host answers each command, one answer is replaced by garbage, and every command must end
 * with a one-line error and its documented exit code (docs/reliability.md).
 */
class FaultsCliTest {

    static final String SYS1 = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-nixos-system-1";
    static final String DRV = "/nix/store/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb-nixos-system-2.drv";
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path tmp;

    Path plugins;
    final List<String> ran = new ArrayList<>();
    /** First matching prefix of the joined argv wins: its stdout; a null answer means "exit 1". */
    final Map<String, String> answers = new LinkedHashMap<>();

    record Run(int code, String out, String err) {
    }

    @BeforeEach
    void host() {
        plugins = tmp.resolve("plugins");
        TestPlugins builder = new TestPlugins(tmp);
        builder.plugin("fixed").source("t.fixed.Probe", TestPlugins.probeSource("t.fixed", "Probe", "statvfs", ""), true)
                .writeTo(plugins);
        builder.plugin("basics")
                .source("t.basics.Full", TestPlugins.simpleSource("t.basics", "Full", "full-rebuild", "UpgradeStrategy"), true)
                .source("t.basics.Gen", TestPlugins.simpleSource("t.basics", "Gen", "generation", "Rollback"), true)
                .source("t.basics.Gc", TestPlugins.simpleSource("t.basics", "Gc", "gc", "Reclaimer"), true)
                .writeTo(plugins);
        answers.put("nix-env --version", "nix-env (Nix) 2.8.0\n");
        answers.put("nix-env --profile /nix/var/nix/profiles/system --list-generations",
                "   1   2026-11-25 17:09:16   (current)\n");
        answers.put("readlink", SYS1 + "\n");
        answers.put("git", COMMIT + "\n");
        answers.put("nix-instantiate", DRV + "\n");
        answers.put("nix-store --query --binding out", "/nix/store/cccccccccccccccccccccccccccccccc-nixos-system-2\n");
    }

    final CommandRunner scripted = (Command c) -> {
        String line = String.join(" ", c.argv());
        ran.add(line);
        for (Map.Entry<String, String> answer : answers.entrySet()) {
            if (line.startsWith(answer.getKey())) {
                return result(c, answer.getValue() == null ? 1 : 0, answer.getValue() == null ? "" : answer.getValue());
            }
        }
        return result(c, 1, "");
    };

    static CommandResult result(Command c, int code, String stdout) {
        if (c.stdoutReader().isPresent()) {
            // a streamed read gets the answer as the program's bytes
            try {
                c.stdoutReader().get().read(new java.io.ByteArrayInputStream(
                        stdout.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            stdout = "";
        }
        return new CommandResult(c.argv(), code, stdout, code == 0 ? List.of() : List.of("error: scripted failure"),
                false, false, Duration.ZERO, Optional.empty());
    }

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = InchwormCommand.commandLine(new CliEnvironment(Map.of(), Optional.empty(), p -> scripted));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    Path profile() throws IOException {
        Path file = tmp.resolve("host.yaml");
        Files.createDirectories(tmp.resolve("repo"));
        Files.writeString(file, "host: test-host\nstateDir: " + tmp.resolve("state") + "\n"
                + "system: {repository: " + tmp.resolve("repo") + ", expression: default.nix, attribute: system}\n");
        return file;
    }

    @ParameterizedTest(name = "{0}: {1} prints {2}")
    @CsvSource(delimiter = '|', value = {
        "status  | nix-env --profile /nix/var/nix/profiles/system --list-generations | garbage",
        "plan    | nix-env --profile /nix/var/nix/profiles/system --list-generations | garbage",
        "upgrade | nix-env --profile /nix/var/nix/profiles/system --list-generations | garbage",
        "status  | nix-env --profile /nix/var/nix/profiles/system --list-generations | 99999999999 2026-11-25 17:09:16",
        "status  | nix-env --profile /nix/var/nix/profiles/system --list-generations | 1 2026-13-45 17:09:16",
        "plan    | readlink                          | not-a-store-path",
        "plan    | nix-instantiate                   | ''",
        "plan    | nix-instantiate                   | two",
        "plan    | nix-instantiate                   | binary",
        "plan    | nix-store --query --binding out   | garbage",
    })
    void malformedNixOutputIsExit2NamingWhatWasPrinted(String command, String program, String printed) throws Exception {
        answers.put(program, switch (printed) {
            case "two" -> DRV + "\n" + DRV + "\n";
            case "binary" -> "\u0000\u00ff\u0001garbage\n";
            default -> printed + "\n";
        });
        Run r = command.equals("status")
                ? run("--plugins-dir", plugins.toString(), command, "--profile", profile().toString())
                : run("--plugins-dir", plugins.toString(), command, "--profile", profile().toString(), "--from", COMMIT);
        assertEquals(2, r.code(), r.out() + r.err());
        assertFalse(r.err().contains("\tat ") || r.err().contains("internal error"), r.err());
        // Without a terminal the stages are logged before it.
        assertTrue(r.err().lines().anyMatch(l -> l.startsWith("inchworm: Nix printed what Inchworm cannot read")),
                r.err());
    }

    @ParameterizedTest(name = "a profile that is {0}")
    @CsvSource({"a FIFO", "/dev/zero", "2 MiB", "a folder"})
    void profilesAreReadOnlyFromRegularFilesOfAtMost1MiB(String kind) throws Exception {
        Path file = tmp.resolve("odd.yaml");
        make(file, kind, profileText());
        for (String[] args : List.of(new String[] {"config", "validate", "--no-plugins", file.toString()},
                new String[] {"--plugins-dir", plugins.toString(), "status", "--profile", file.toString()})) {
            Run r = run(args);
            assertEquals(2, r.code(), kind + ": " + r.out() + r.err());
            assertTrue(r.err().startsWith("inchworm: " + file), r.err());
            assertTrue(r.err().contains(kind.equals("2 MiB") ? "larger than the 1 MiB allowed" : "not a regular file"),
                    r.err());
        }
    }

    @ParameterizedTest(name = "a journal that is {0}")
    @CsvSource({"a FIFO", "/dev/zero", "9 MiB"})
    void stateFilesAreReadOnlyFromRegularFilesOfAtMost8MiB(String kind) throws Exception {
        Path file = profile();
        Path journal = Files.createDirectories(tmp.resolve("state")).resolve("journal.json");
        make(journal, kind, "{\"format\": 1}");
        for (String command : List.of("status", "upgrade", "rollback")) {
            Run r = run("--plugins-dir", plugins.toString(), command, "--profile", file.toString());
            assertEquals(2, r.code(), command + " " + kind + ": " + r.out() + r.err());
            assertTrue(r.err().contains(journal.toString()), r.err());
            assertTrue(r.err().contains(kind.equals("9 MiB") ? "larger than the 8 MiB allowed" : "not a regular file"),
                    r.err());
        }
    }

    private String profileText() throws IOException {
        return Files.readString(profile());
    }

    private static void make(Path file, String kind, String text) throws Exception {
        switch (kind) {
            case "a FIFO" -> assertEquals(0, new ProcessBuilder("mkfifo", file.toString()).start().waitFor());
            case "/dev/zero" -> Files.createSymbolicLink(file, Path.of("/dev/zero"));
            case "a folder" -> Files.createDirectories(file);
            default -> {
                long mib = Long.parseLong(kind.split(" ")[0]);
                StringBuilder big = new StringBuilder(text).append('\n');
                while (big.length() <= mib << 20) {
                    big.append("# padding padding padding padding padding padding padding padding\n");
                }
                Files.writeString(file, big);
            }
        }
    }

    /** A probe that misbehaves as its path setting says: exit, halt, overflow, forever. */
    private void hostileProbe() {
        String source = TestPlugins.probeSource("t.hostile", "Probe", "hostile", "").replace(
                "String out = c.host()",
                "switch (c.settings().path()) { case \"exit\" -> System.exit(0); "
                        + "case \"halt\" -> Runtime.getRuntime().halt(0); case \"overflow\" -> { return measure(c); } "
                        + "case \"forever\" -> { try { Thread.sleep(Long.MAX_VALUE); } catch (InterruptedException e) { "
                        + "Thread.currentThread().interrupt(); } } default -> { } }\n"
                        + "String out = c.host()");
        new TestPlugins(tmp).plugin("hostile").source("t.hostile.Probe", source, true).writeTo(plugins);
    }

    private Path hostileProfile(String behaviour, String timeouts) throws IOException {
        Path file = tmp.resolve("hostile.yaml");
        Files.writeString(file, Files.readString(profile()) + "probe: {id: hostile, settings: {path: " + behaviour + "}}\n"
                + timeouts);
        return file;
    }

    @ParameterizedTest(name = "a probe that {0}")
    @CsvSource(delimiter = '|', value = {
        "overflow | ''                          | threw java.lang.StackOverflowError",
        "forever  | 'timeouts: {pluginCall: 300ms}' | did not return within 300ms (timeouts.pluginCall)"})
    void aPluginThatOverflowsOrHangsIsAFailedCallNamingIt(String behaviour, String timeouts, String expected)
            throws Exception {
        hostileProbe();
        Run r = run("--plugins-dir", plugins.toString(), "probe", "--profile", hostileProfile(behaviour, timeouts + "\n").toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("probe 'hostile'") && r.err().contains(expected), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @org.junit.jupiter.api.Test
    void aPluginCallingSystemExitNeverLooksLikeSuccess() throws Exception {
        hostileProbe();
        Path file = hostileProfile("exit", "");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--plugins-dir", plugins.toString(), "probe", "--profile", file.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(ExitCode.PLUGIN_EXIT.code(), p.waitFor(), output);
        assertTrue(output.contains("System.exit was called by thread 'inchworm-plugin-hostile' (plugin hostile)"), output);
        assertTrue(Files.readString(tmp.resolve("state").resolve("plugin-call")).startsWith("probe 'hostile' (measure)"),
                "the call stays named for the next run");
    }

    @ParameterizedTest(name = "plugins folder {0}")
    @CsvSource({"0777", "0775", "0757"})
    void aPluginFolderOrJarWritableByOthersIsRefusedNamingIt(String mode) throws Exception {
        Path third = Files.createDirectories(tmp.resolve("third"));
        Path jar = new TestPlugins(tmp).plugin("extra").source("t.extra.Probe",
                TestPlugins.probeSource("t.extra", "Probe", "extra", ""), true).writeTo(third);
        Path file = tmp.resolve("p.yaml");
        Files.writeString(file, Files.readString(profile()) + "pluginsDir: " + third + "\n");
        Files.setPosixFilePermissions(third, java.nio.file.attribute.PosixFilePermissions.fromString(rwx(mode)));
        Run folder = run("--plugins-dir", plugins.toString(), "config", "validate", file.toString());
        assertEquals(2, folder.code(), folder.out() + folder.err());
        assertTrue(folder.err().contains("plugin path " + third + " is writable by"), folder.err());

        Files.setPosixFilePermissions(third, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(jar, java.nio.file.attribute.PosixFilePermissions.fromString(rwx(mode)));
        Run inJar = run("--plugins-dir", plugins.toString(), "status", "--profile", file.toString());
        assertEquals(2, inJar.code(), inJar.out() + inJar.err());
        assertTrue(inJar.err().contains("plugin path " + jar + " is writable by"), inJar.err());
    }

    private static String rwx(String octal) {
        String[] parts = {"---", "--x", "-w-", "-wx", "r--", "r-x", "rw-", "rwx"};
        return parts[octal.charAt(1) - '0'] + parts[octal.charAt(2) - '0'] + parts[octal.charAt(3) - '0'];
    }

    @ParameterizedTest(name = "pluginsDir {0}")
    @CsvSource({"missing", "a file"})
    void aPluginsDirThatIsNoFolderIsRefused(String kind) throws Exception {
        Path dir = tmp.resolve("nowhere");
        if (kind.equals("a file")) {
            Files.writeString(dir, "");
        }
        Path file = tmp.resolve("p.yaml");
        Files.writeString(file, Files.readString(profile()) + "pluginsDir: " + dir + "\n");
        Run r = run("--plugins-dir", plugins.toString(), "config", "validate", file.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("pluginsDir " + dir + (kind.equals("missing") ? " does not exist" : " is not a folder")),
                r.err());
    }

    @ParameterizedTest(name = "stateDir {0}")
    @CsvSource(delimiter = '|', value = {"'\"\"' | must not be empty", "'\"/var/lib/in\\nchworm\"' | must not contain control characters"})
    void aStateDirThatIsEmptyOrHoldsANewlineIsRefused(String value, String expected) throws Exception {
        Path file = tmp.resolve("p.yaml");
        Files.writeString(file, Files.readString(profile()).replaceAll("stateDir: .*", java.util.regex.Matcher.quoteReplacement("stateDir: " + value)));
        Run r = run("config", "validate", "--no-plugins", file.toString());
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("stateDir: " + expected), r.err());
    }

    @org.junit.jupiter.api.Test
    void twoJarsWithOnePluginIdAreRefusedNamingBoth() throws Exception {
        Path first = new TestPlugins(tmp).plugin("dup").source("t.dup.Probe",
                TestPlugins.probeSource("t.dup", "Probe", "dup-one", ""), true).writeTo(plugins);
        Path renamed = Files.move(first, plugins.resolve("dup-a.jar"));
        Path second = new TestPlugins(Files.createDirectories(tmp.resolve("b"))).plugin("dup").source("t.dup.Probe",
                TestPlugins.probeSource("t.dup", "Probe", "dup-two", ""), true).writeTo(plugins);
        Run r = run("--plugins-dir", plugins.toString(), "plugins");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("the plugin id 'dup' is declared by two jars: " + renamed + " and " + second),
                r.err());
    }

    @org.junit.jupiter.api.Test
    void aPluginIdThatIsNoIdIsRefused() throws Exception {
        new TestPlugins(tmp).plugin("Bad ID; rm -rf").source("t.bad.Probe",
                TestPlugins.probeSource("t.bad", "Probe", "bad", ""), true).writeTo(plugins);
        Run r = run("--plugins-dir", plugins.toString(), "plugins");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("declares the plugin id 'Bad ID; rm -rf'"), r.err());
    }

    @org.junit.jupiter.api.Test
    void aJarThatIsNoJarAndAPluginClassThatThrowsAreReportedClearly() throws Exception {
        Files.writeString(plugins.resolve("broken.jar"), "not a jar");
        try (var zip = new java.util.jar.JarOutputStream(Files.newOutputStream(plugins.resolve("bare.jar")))) {
            zip.putNextEntry(new java.util.zip.ZipEntry("x.txt"));
        }
        new TestPlugins(tmp).plugin("throws").source("t.thrower.Probe", TestPlugins.probeSource("t.thrower", "Probe",
                "throws", "if (true) { throw new IllegalStateException(\"no config here\"); }"), true).writeTo(plugins);
        Run r = run("--plugins-dir", plugins.toString(), "plugins");
        assertEquals(0, r.code(), r.out() + r.err());
        assertFalse(r.out().contains("NullPointerException"), r.out());
        assertTrue(r.out().contains("broken.jar (" + plugins.resolve("broken.jar") + "): not a jar (zip) file"), r.out());
        assertTrue(r.out().contains("bare.jar (" + plugins.resolve("bare.jar") + "): a jar without a manifest"), r.out());
        assertTrue(r.out().contains("no config here"), r.out());
    }

    @org.junit.jupiter.api.Test
    void aMissingSystemRepositoryIsRefusedByPlanNamingTheKeyAndValidateWarns() throws Exception {
        Path file = tmp.resolve("p.yaml");
        Files.writeString(file, Files.readString(profile()).replace(tmp.resolve("repo").toString(), "/no/such/repo"));
        Run plan = run("--plugins-dir", plugins.toString(), "plan", "--profile", file.toString());
        assertEquals(2, plan.code(), plan.out() + plan.err());
        assertTrue(plan.err().contains("system.repository /no/such/repo does not exist"), plan.err());
        // validate checks the file (the NixOS module runs it in Nix's build sandbox, without the host)
        Run validate = run("--plugins-dir", plugins.toString(), "config", "validate", file.toString());
        assertEquals(0, validate.code(), validate.out() + validate.err());
        assertTrue(validate.err().contains("warning: ") && validate.err().contains("/no/such/repo does not exist"),
                validate.err());
    }
}
