package dev.inchworm.runtime.nix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.nix.NixOutputException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostNixSettingsTest {

    /** Abridged from Nix 2.8's {@code nix show-config --json} (each setting an object with its value). */
    private static final String NIX_2_8 = "{\"substituters\": {\"aliases\": [\"binary-caches\"], \"defaultValue\": "
            + "[\"https://cache.nixos.org/\"], \"value\": [\"https://cache.example.org\", \"file:///tmp/mycache\"]},"
            + " \"trusted-public-keys\": {\"aliases\": [], \"value\": [\"cache.example.org-1:abc=\"]},"
            + " \"require-sigs\": {\"value\": true}, \"min-free\": {\"value\": 0}}";

    @Test
    void nix28sSettingsAreReadFromTheirValues() {
        HostNixSettings s = NixOutput.hostSettings(NIX_2_8);
        assertEquals(List.of("https://cache.example.org", "file:///tmp/mycache"), s.substituters());
        assertEquals(List.of("cache.example.org-1:abc="), s.trustedPublicKeys());
        assertTrue(s.requireSigs());
        assertEquals(Set.of("cache.example.org-1"), s.trustedKeyNames());
    }

    @Test
    void bareValuesAndSpaceSeparatedListsAreReadToo() {
        HostNixSettings s = NixOutput.hostSettings("{\"substituters\": \"https://a  https://b\", \"require-sigs\": false}");
        assertEquals(List.of("https://a", "https://b"), s.substituters());
        assertEquals(List.of(), s.trustedPublicKeys());
        assertFalse(s.requireSigs());
        assertThrows(NixOutputException.class, () -> NixOutput.hostSettings("[]"));
        assertThrows(NixOutputException.class, () -> NixOutput.hostSettings("error: unknown command"));
    }

    @Test
    void onlyPathsNixWouldSubstituteCount() {
        HostNixSettings s = NixOutput.hostSettings(NIX_2_8);
        String both = "[{\"path\":\"/nix/store/a\",\"signatures\":[\"cache.example.org-1:sig\"]},"
                + "{\"path\":\"/nix/store/b\",\"signatures\":[\"other-1:sig\"]},"
                + "{\"path\":\"/nix/store/c\",\"ca\":\"fixed:r:sha256:xyz\"},{\"path\":\"/nix/store/d\"}]";
        assertEquals(Set.of("/nix/store/a", "/nix/store/c"), NixOutput.substitutable(both, s));
        String object = "{\"/nix/store/a\":{\"signatures\":[\"cache.example.org-1:sig\"]},\"/nix/store/e\":null}";
        assertEquals(Set.of("/nix/store/a"), NixOutput.substitutable(object, s), "Nix 2.19's layout");
        assertEquals(Set.of("/nix/store/a", "/nix/store/b", "/nix/store/c", "/nix/store/d"),
                NixOutput.substitutable(both, HostNixSettings.UNKNOWN), "without require-sigs everything counts");
    }
}
