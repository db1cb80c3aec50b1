package dev.inchworm.plugins.swapfile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.inchworm.runtime.config.Selection;
import dev.inchworm.runtime.config.SettingsBinder;
import dev.inchworm.runtime.config.SourceLocation;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The settings as the runtime binds them from a profile: sizes as text or as a number of bytes. */
class ProfileBindingTest {

    static SwapFile.Settings bind(String json) throws Exception {
        Selection selection = new Selection("swap-file", new ObjectMapper().readTree(json),
                new SourceLocation(Path.of("host.yaml"), 1, 1));
        return new SettingsBinder().bind(selection, "provisioners[0]", SwapFile.Settings.class);
    }

    @Test
    void sizesBindFromTextAndFromNumbers() throws Exception {
        assertEquals(2L << 30, bind("{\"size\": \"2GiB\"}").sizeBytes());
        assertEquals(1L << 30, bind("{\"size\": 1073741824, \"priority\": 3}").sizeBytes());
        assertEquals(3, bind("{\"priority\": 3}").priority());
    }
}
