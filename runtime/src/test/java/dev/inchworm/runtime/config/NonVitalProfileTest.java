package dev.inchworm.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.strategy.NonVital;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nonVital:}: names with their locations; whether they are units is checked at plan time. */
class NonVitalProfileTest {

    @TempDir
    Path tmp;

    private final ProfileReader reader = new ProfileReader();

    private HostProfile read(String yaml) throws IOException {
        return reader.read(Files.writeString(tmp.resolve("h.yaml"), yaml));
    }

    @Test
    void namesKeepWhereTheyStand() throws IOException {
        HostProfile profile = read("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                nonVital:
                  - texlive
                  - gimp
                """);
        Path file = tmp.resolve("h.yaml");
        assertEquals(List.of(new NonVital("texlive", file + ":4:5"), new NonVital("gimp", file + ":5:5")),
                profile.nonVital());
    }

    @Test
    void noneByDefault() throws IOException {
        assertEquals(List.of(), read("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                """).nonVital());
    }

    @Test
    void wrongShapesAreRefusedWhereTheyStand() throws IOException {
        ProfileException notList = assertThrows(ProfileException.class, () -> read("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                nonVital: gimp
                """));
        assertTrue(notList.getMessage().endsWith(":3:1: nonVital: wrong type: expected a list of unit names, "
                + "e.g. [texlive, gimp], found the string 'gimp'"), notList.getMessage());
        ProfileException twice = assertThrows(ProfileException.class, () -> read("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                nonVital: [gimp, gimp]
                """));
        assertTrue(twice.getMessage().endsWith(":3:18: nonVital[1]: 'gimp' is listed twice"), twice.getMessage());
        ProfileException empty = assertThrows(ProfileException.class, () -> read("""
                host: h
                system: {repository: /r, expression: e.nix, attribute: system}
                nonVital: [""]
                """));
        assertTrue(empty.getMessage().contains("nonVital[0]: expected a unit name"), empty.getMessage());
    }
}
