package dev.inchworm.runtime.engine.phase;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.inchworm.api.storage.Volume;
import org.junit.jupiter.api.Test;

class InodeNeedTest {

    private static final long MIB = 1L << 20;

    @Test
    void aStepNeedsInodesAtTheStoresMixOfBytesPerFile() {
        // 100 MiB used in 10,000 inodes: about 10 KiB a file
        Volume store = new Volume("/nix/store", 200 * MIB, 100 * MIB, 12_000, 2_000);
        InodeNeed need = InodeNeed.of(store, 30 * MIB);
        assertEquals(3_000, need.inodes());
        // 1,000 inodes short, at about 10 KiB each
        assertEquals((long) Math.ceil(1_000 * (100.0 * MIB / 10_000)), need.bytesShort(store));
        assertEquals(0, need.bytesShort(new Volume("/nix/store", 200 * MIB, 100 * MIB, 12_000, 3_000)));
    }

    @Test
    void aFileSystemWithoutAFixedInodeCountOrAnEmptyStoreNeedsNone() {
        assertEquals(InodeNeed.NONE, InodeNeed.of(new Volume("/nix/store", 200 * MIB, 100 * MIB, 0, 0), 30 * MIB));
        assertEquals(InodeNeed.NONE, InodeNeed.of(new Volume("/nix/store", 200 * MIB, 200 * MIB, 100, 100), MIB));
        assertEquals(0, InodeNeed.NONE.bytesShort(new Volume("/nix/store", 1, 0, 10, 0)));
    }
}
