package dev.inchworm.runtime.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state folder's spare room; running a real disk full is {@code dist}'s FullDiskIT. */
class SpareRoomTest {

    @TempDir
    Path state;

    @Test
    void takingTheLockPutsTheSpareRoomInPlaceAndReleasingItRefillsIt() throws IOException {
        Path spare = state.resolve(SpareRoom.FILE_NAME);
        try (HostLock lock = HostLock.acquire(state)) {
            assertEquals(SpareRoom.SIZE, Files.size(spare));
            assertTrue(SpareRoom.release(state));
            assertFalse(Files.exists(spare));
            assertFalse(SpareRoom.release(state), "nothing left to free");
        }
        assertEquals(SpareRoom.SIZE, Files.size(spare), "put back when the run ends");
    }

    @Test
    void aShortSpareRoomIsMadeWhole() throws IOException {
        Files.write(state.resolve(SpareRoom.FILE_NAME), new byte[10]);
        SpareRoom.refill(state);
        assertEquals(SpareRoom.SIZE, Files.size(state.resolve(SpareRoom.FILE_NAME)));
    }

    @Test
    void onlyAFullDiskOrQuotaCountsAsOutOfSpace() {
        assertTrue(SpareRoom.outOfSpace(new IOException("No space left on device")));
        assertTrue(SpareRoom.outOfSpace(new IOException("Disk quota exceeded")));
        assertFalse(SpareRoom.outOfSpace(new IOException("Permission denied")));
        assertFalse(SpareRoom.outOfSpace(new IOException()));
    }
}
