package dev.inchworm.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.inchworm.api.ByteSize;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ByteSizeSettingsTest {

    public record Swap(ByteSize size, ByteSize keepFree) {
        public Swap {
            size = size == null ? ByteSize.of("2GiB") : size;
        }
    }

    private final SettingsBinder binder = new SettingsBinder();
    private final SourceLocation at = new SourceLocation(Path.of("vps.yaml"), 3, 7);

    private Swap bind(ObjectNode node) {
        return binder.bind(new Selection("swap-file", node, at), "provisioners[0]", Swap.class);
    }

    @Test
    void aSizeIsATextOrANumberOfBytes() {
        Swap swap = bind(JsonNodeFactory.instance.objectNode().put("size", "64MiB").put("keepFree", 4096));
        assertEquals(64L << 20, swap.size().bytes());
        assertEquals("64MiB", swap.size().toString());
        assertEquals(ByteSize.ofBytes(4096), swap.keepFree());
        assertEquals(2L << 30, bind(JsonNodeFactory.instance.objectNode()).size().bytes());
    }

    @Test
    void aTextThatIsNotASizeNamesTheKeyAndTheText() {
        ProfileException e = assertThrows(ProfileException.class,
                () -> bind(JsonNodeFactory.instance.objectNode().put("keepFree", "lots")));
        assertTrue(e.getMessage().startsWith("vps.yaml:3:7: provisioners[0].settings.keepFree: settings of 'swap-file': "
                + "keepFree: not a size: 'lots'"), e.getMessage());
        ProfileException negative = assertThrows(ProfileException.class,
                () -> bind(JsonNodeFactory.instance.objectNode().put("size", -1)));
        assertTrue(negative.getMessage().contains("size: a size cannot be negative"), negative.getMessage());
    }
}
