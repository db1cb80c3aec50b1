package dev.inchworm.runtime.engine;

import static dev.inchworm.runtime.engine.EngineFixture.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.NoSettings;
import dev.inchworm.api.storage.ProbeContext;
import dev.inchworm.api.storage.StorageProbe;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.storage.Volume;
import dev.inchworm.runtime.journal.RunResult;
import dev.inchworm.testkit.MemoryNix;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inodes are part of the fit like bytes: a store short of inodes is reclaimed before the build. */
class InodeFitTest {

    @TempDir(factory = MemoryTempDir.class)
    Path state;

    /** The store's bytes as MemoryNix has them, and 100 inodes per valid path out of {@code inodes}. */
    record InodeProbe(MemoryNix nix, long inodes) implements StorageProbe<NoSettings> {
        @Override
        public String id() {
            return "inode-probe";
        }

        @Override
        public Class<NoSettings> settingsType() {
            return NoSettings.class;
        }

        @Override
        public StorageReport measure(ProbeContext<NoSettings> context) {
            Volume bytes = nix.volume();
            long free = inodes == 0 ? 0 : Math.max(0, inodes - 100L * nix.validPaths().size());
            return new StorageReport(Instant.now(), new Volume(bytes.path(), bytes.totalBytes(), bytes.freeBytes(),
                    inodes, free), Optional.empty());
        }
    }

    private EngineFixture withJunk(long inodes) {
        EngineFixture f = new EngineFixture(state.resolve("i" + inodes), 100 * MIB)
                .strategy(new FakeExtensions.Whole("whole", 34 * MIB));
        f.reclaimer(new FakeExtensions.Gc(f.log));
        MemoryNix.Drv junk = f.nix.pkg("junk", 15 * MIB);
        f.nix.realise(junk.drv(), Optional.empty(), l -> { });
        f.probe = new InodeProbe(f.nix, inodes);
        return f;
    }

    @Test
    void aStoreWithTheBytesButNotTheInodesIsReclaimedFirst() {
        // 4 paths hold about 45 MiB in 400 inodes: the 35 MiB step needs about 311 of the 300 free
        EngineFixture f = withJunk(700);
        RunReport report = f.engine().upgrade(new UpgradeRequest(Optional.empty(), Optional.of(f.rev1.commit())),
                Progress.QUIET);

        assertEquals(RunResult.UPGRADED, report.result());
        assertTrue(f.log.stream().anyMatch(l -> l.startsWith("gc ")), "the reclaimer ran for inodes: " + f.log);
        assertEquals("gc", report.steps().get(0).reclaimed().get(0).reclaimer());
    }

    @Test
    void withoutAFixedInodeCountOnlyBytesDecide() {
        EngineFixture f = withJunk(0);
        f.engine().upgrade(new UpgradeRequest(Optional.empty(), Optional.of(f.rev1.commit())), Progress.QUIET);
        assertEquals(List.of(), f.log, "55 MiB free: nothing to reclaim");
    }
}
