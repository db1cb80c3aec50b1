package dev.inchworm.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engine.reboot} in a host profile: defaults, values and errors with their place. */
class RebootProfileTest {

    private static final String HEAD = """
            host: h
            system: {repository: /r, expression: e.nix, attribute: system}
            """;

    @TempDir
    Path tmp;

    private final ProfileReader reader = new ProfileReader();

    private HostProfile read(String yaml) throws IOException {
        Path file = tmp.resolve("p.yaml");
        Files.writeString(file, HEAD + yaml);
        return reader.read(file);
    }

    private ProfileException error(String yaml) throws IOException {
        Path file = tmp.resolve("bad.yaml");
        Files.writeString(file, HEAD + yaml);
        return assertThrows(ProfileException.class, () -> reader.read(file));
    }

    @Test
    void byDefaultTheEngineDoesNotReboot() throws IOException {
        assertEquals(RebootConfig.defaults(), read("").engine().reboot());
        assertEquals(new RebootConfig(false, Optional.empty(), List.of("systemctl", "reboot")),
                read("engine: {reserve: 1MiB}").engine().reboot());
    }

    @Test
    void allowedWithAWindowAndACommand() throws IOException {
        RebootConfig r = read("""
                engine:
                  reboot:
                    allowed: true
                    window: {lower: "23:30", upper: "04:00"}
                    command: [/run/current-system/sw/bin/systemctl, reboot, --no-wall]
                """).engine().reboot();
        assertTrue(r.allowed());
        assertEquals(new RebootWindow(LocalTime.of(23, 30), LocalTime.of(4, 0)), r.window().orElseThrow());
        assertEquals(List.of("/run/current-system/sw/bin/systemctl", "reboot", "--no-wall"), r.command());
        assertEquals(Optional.empty(), read("engine: {reboot: {allowed: true, window: null}}").engine().reboot().window());
    }

    @Test
    void theNixOsModulesJsonShapeReads() throws IOException {
        Path file = tmp.resolve("p.json");
        Files.writeString(file, """
                {"host": "h", "system": {"repository": "/r", "expression": "e.nix", "attribute": "system"},
                 "engine": {"reboot": {"allowed": true, "window": {"lower": "01:00", "upper": "05:00"}}}}
                """);
        RebootConfig r = reader.read(file).engine().reboot();
        assertTrue(r.allowsAt(LocalTime.of(3, 0)));
        assertEquals(RebootConfig.DEFAULT_COMMAND, r.command());
    }

    @Test
    void errorsNameTheKeyAndWhere() throws IOException {
        ProfileException time = error("""
                engine:
                  reboot:
                    window: {lower: "1am", upper: "05:00"}
                """);
        assertEquals("engine.reboot.window.lower", time.keyPath());
        assertEquals(5, time.location().line());
        assertTrue(time.getMessage().contains("HH:MM"), time.getMessage());

        assertEquals(LocalTime.of(23, 0), read("engine: {reboot: {window: {lower: 23:00, upper: 05:00}}}\n")
                .engine().reboot().window().orElseThrow().lower(), "unquoted times read as times");
        ProfileException number = error("engine: {reboot: {window: {lower: 1380, upper: \"05:00\"}}}\n");
        assertTrue(number.getMessage().contains("quote it"), number.getMessage());

        ProfileException missing = error("engine: {reboot: {window: {lower: \"01:00\"}}}\n");
        assertEquals("engine.reboot.window.upper", missing.keyPath());

        ProfileException unknown = error("""
                engine:
                  reboot: {allowed: true, when: always}
                """);
        assertEquals(4, unknown.location().line());
        assertTrue(unknown.getMessage().contains("allowed keys: allowed, window, command"), unknown.getMessage());

        ProfileException command = error("engine: {reboot: {command: []}}\n");
        assertEquals("engine.reboot.command", command.keyPath());
        ProfileException shell = error("engine: {reboot: {command: \"systemctl reboot\"}}\n");
        assertTrue(shell.getMessage().contains("a list"), shell.getMessage());
        ProfileException type = error("engine: {reboot: {allowed: maybe}}\n");
        assertTrue(type.getMessage().contains("engine.reboot.allowed"), type.getMessage());
    }
}
