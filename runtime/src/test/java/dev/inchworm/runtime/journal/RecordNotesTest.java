package dev.inchworm.runtime.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.StorePath;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordNotesTest {

    record Sizes(StorePath drv, ByteSize peak, List<String> units, Map<String, Long> bytes) {
    }

    record Other(int count) {
    }

    /** Record notes over plain string notes, as the journal keeps them. */
    static final class Notes extends RecordNotes {
        final Map<String, String> notes = new LinkedHashMap<>();

        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(notes.get(key));
        }

        @Override
        public void put(String key, String value) {
            notes.put(key, value);
        }

        @Override
        public void remove(String key) {
            notes.remove(key);
        }

        @Override
        public Map<String, String> all() {
            return Map.copyOf(notes);
        }
    }

    @Test
    void recordsAreKeptAsOneLineOfJsonAndReadBack() {
        Notes notes = new Notes();
        PluginState state = notes;
        Sizes sizes = new Sizes(new StorePath("/nix/store/rbf62mp8nkhfxc157k9m2kpqjmqgb036-hello.drv"),
                ByteSize.of("3MiB"), List.of("hello", "zlib"), Map.of("hello", 42L));
        state.put("sizes", sizes);

        assertEquals("{\"drv\":\"/nix/store/rbf62mp8nkhfxc157k9m2kpqjmqgb036-hello.drv\",\"peak\":3145728,"
                + "\"units\":[\"hello\",\"zlib\"],\"bytes\":{\"hello\":42}}", notes.notes.get("sizes"));
        assertEquals(Optional.of(sizes), state.get("sizes", Sizes.class));
        assertEquals(Optional.empty(), state.get("none", Sizes.class));
    }

    @Test
    void aNoteOfAnotherShapeIsAnErrorNamingTheKey() {
        Notes notes = new Notes();
        notes.put("sizes", new Other(3));
        notes.put("text", "key=1;");
        IllegalStateException other = assertThrows(IllegalStateException.class, () -> notes.get("sizes", Sizes.class));
        assertTrue(other.getMessage().startsWith("the plugin note 'sizes' does not read as Sizes"), other.getMessage());
        assertThrows(IllegalStateException.class, () -> notes.get("text", Other.class));
    }
}
