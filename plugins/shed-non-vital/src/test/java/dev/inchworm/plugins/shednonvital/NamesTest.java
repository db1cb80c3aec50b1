package dev.inchworm.plugins.shednonvital;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.NonVital;
import dev.inchworm.api.strategy.ProfileRejected;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamesTest {

    private static final String GIMP = "/nix/store/00000000000000000000000000000000-gimp-2.10";
    private static final String HELLO = "/nix/store/11111111111111111111111111111111-hello-2.12";

    @Test
    void unitNamesAreNamesWithoutVersion() {
        assertEquals("gimp", UnitName.of("gimp-2.10.38"));
        assertEquals("xorg-server", UnitName.of("xorg-server-21.1"));
        assertEquals("system-path", UnitName.of("system-path"));
        assertEquals("2.10.38", UnitName.versionOf("gimp-2.10.38"));
    }

    @Test
    void closestNamesComeNearestFirst() {
        assertEquals(List.of("gimp", "git", "htop"), UnitName.closest("gimpp", List.of("htop", "git", "gimp", "firefox")));
    }

    @Test
    void anUnknownNameIsRejectedWithItsLocationAndTheClosestNames() {
        ProfileRejected e = assertThrows(ProfileRejected.class, () -> ShedNonVitalStrategy.check(
                List.of(new NonVital("gimp", "h.yaml:3:5"), new NonVital("texlve", "h.yaml:4:5")),
                Set.of("gimp", "texlive", "hello")));
        assertTrue(e.getMessage().startsWith("h.yaml:4:5: nonVital: 'texlve' is no unit"), e.getMessage());
        assertTrue(e.getMessage().endsWith("closest: texlive, hello, gimp"), e.getMessage());
    }

    @Test
    void knownNamesPass() {
        ShedNonVitalStrategy.check(List.of(new NonVital("gimp", "h.yaml:3:5")), Set.of("gimp"));
    }

    @Test
    void aWhitespaceListLosesThePath() {
        assertEquals(Optional.of(HELLO), LinkedPaths.without(GIMP + " " + HELLO, Set.of(StorePath.of(GIMP))));
    }

    @Test
    void buildEnvJsonLosesTheEntry() {
        String json = "[{\"paths\":[\"" + GIMP + "\"],\"priority\":5},{\"paths\":[\"" + HELLO + "\"],\"priority\":5}]";
        assertEquals(Optional.of("[{\"paths\":[\"" + HELLO + "\"],\"priority\":5}]"),
                LinkedPaths.without(json, Set.of(StorePath.of(GIMP))));
    }

    @Test
    void otherTextIsNotEdited() {
        assertEquals(Optional.empty(), LinkedPaths.without("gimp=" + GIMP + "\n", Set.of(StorePath.of(GIMP))));
        assertEquals(Optional.empty(), LinkedPaths.without(GIMP + "/bin/gimp --batch", Set.of(StorePath.of(GIMP))));
    }
}
