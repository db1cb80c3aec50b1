package dev.inchworm.plugins.swapfile;

import dev.inchworm.api.ByteSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class SettingsAndParsingTest {

    @Test
    void defaults() {
        SwapFile.Settings s = new SwapFile.Settings(null, null, null, null, null);
        assertEquals("/var/lib/inchworm/swapfile", s.path());
        assertEquals(2L << 30, s.sizeBytes());
        assertEquals(64L << 20, s.keepFreeBytes());
        assertEquals("/var/lib/inchworm", s.folder());
        assertEquals("/", new SwapFile.Settings("/swapfile", null, null, null, null).folder());
    }

    @Test
    void badSettingsSayWhatAndWhich() {
        assertEquals("path must be an absolute file path: 'swapfile'", assertThrows(IllegalArgumentException.class,
                () -> new SwapFile.Settings("swapfile", null, null, null, null)).getMessage());
        assertEquals("size: not a size: 'lots' (write bytes as a number, or e.g. 64MiB, 1.5GiB, 512M)",
                assertThrows(IllegalArgumentException.class,
                        () -> new SwapFile.Settings(null, ByteSize.of("size", "lots"), null, null, null)).getMessage());
        assertEquals("size: a swap file needs at least 64 KiB: '4k'", assertThrows(IllegalArgumentException.class,
                () -> new SwapFile.Settings(null, ByteSize.of("size", "4k"), null, null, null)).getMessage());
        assertEquals("priority must be -1 to 32767: 40000", assertThrows(IllegalArgumentException.class,
                () -> new SwapFile.Settings(null, null, null, null, 40000)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SwapFile.Settings(null, null, null, ByteSize.of("minFreeMemory", "much"), null));
    }

    @Test
    void procSwapsNamesAreUnescaped() {
        String swaps = """
                Filename				Type		Size		Used		Priority
                /var/lib/inchworm/swapfile              file		16372		0		-2
                /mnt/my\\040disk/swap                   file		16372		0		5
                /dev/zram0                              partition	1048572		0		100
                """;
        assertEquals(List.of("/var/lib/inchworm/swapfile", "/mnt/my disk/swap", "/dev/zram0"), SwapFile.activeSwaps(swaps));
        assertEquals(List.of(), SwapFile.activeSwaps("Filename\tType\tSize\tUsed\tPriority\n"));
    }

    @Test
    void freeMemoryIsAvailablePlusFreeSwap() {
        String meminfo = "MemTotal:        1000000 kB\nMemFree:  100 kB\nMemAvailable:     300000 kB\nSwapTotal: 0 kB\nSwapFree:          1000 kB\n";
        assertEquals(301000L * 1024, SwapFile.freeMemory(meminfo));
        assertThrows(IllegalStateException.class, () -> SwapFile.freeMemory("MemTotal: 1 kB\n"));
    }
}
