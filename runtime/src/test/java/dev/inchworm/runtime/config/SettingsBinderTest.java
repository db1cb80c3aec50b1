package dev.inchworm.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inchworm.api.NoSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsBinderTest {

    /** Settings as a plugin writes them: nullable components, defaults and checks in the constructor. */
    public record Swap(String file, Long sizeBytes, List<String> keep) {
        public Swap {
            file = file == null ? "/var/swapfile" : file;
            if (sizeBytes != null && sizeBytes <= 0) {
                throw new IllegalArgumentException("sizeBytes must be positive");
            }
            keep = keep == null ? List.of() : List.copyOf(keep);
        }
    }

    private final SettingsBinder binder = new SettingsBinder();
    private final SourceLocation at = new SourceLocation(Path.of("vps.yaml"), 12, 5);

    private Selection selection(ObjectNode settings) {
        return new Selection("swap-file", settings, at);
    }

    @Test
    void bindsAndAppliesTheRecordsDefaults() {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("sizeBytes", 1024);
        Swap swap = binder.bind(selection(node), "provisioners[0]", Swap.class);
        assertEquals(new Swap("/var/swapfile", 1024L, List.of()), swap);
        assertEquals(new NoSettings(), binder.bind(selection(JsonNodeFactory.instance.objectNode()), "rollback",
                NoSettings.class));
    }

    @Test
    void unknownKeysNameLocationPluginAndAllowedKeys() {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("size", 1024);
        ProfileException e = assertThrows(ProfileException.class,
                () -> binder.bind(selection(node), "provisioners[0]", Swap.class));
        assertEquals("vps.yaml:12:5: provisioners[0].settings.size: settings of 'swap-file': unknown key 'size'; "
                + "allowed keys: file, sizeBytes, keep", e.getMessage());
        ProfileException none = assertThrows(ProfileException.class,
                () -> binder.bind(selection(node), "rollback", NoSettings.class));
        assertTrue(none.getMessage().endsWith("it takes no settings"), none.getMessage());
    }

    @Test
    void wrongTypesAndRejectedValuesAreProfileErrors() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.putObject("keep").put("a", 1);
        ProfileException type = assertThrows(ProfileException.class,
                () -> binder.bind(selection(node), "provisioners[0]", Swap.class));
        assertTrue(type.getMessage().startsWith("vps.yaml:12:5: provisioners[0].settings.keep: settings of "
                + "'swap-file': wrong type: expected a list, found a mapping"), type.getMessage());

        ObjectNode negative = JsonNodeFactory.instance.objectNode().put("sizeBytes", -1);
        ProfileException value = assertThrows(ProfileException.class,
                () -> binder.bind(selection(negative), "provisioners[0]", Swap.class));
        assertTrue(value.getMessage().contains("sizeBytes must be positive"), value.getMessage());
    }
}
