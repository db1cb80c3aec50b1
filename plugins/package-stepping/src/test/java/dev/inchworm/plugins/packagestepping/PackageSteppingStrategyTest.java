package dev.inchworm.plugins.packagestepping;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.storage.Volume;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.SystemState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settings and the reactions to failed steps that need no store. */
class PackageSteppingStrategyTest {

    private static final long MiB = 1024 * 1024;
    private static final StorePath DRV = new StorePath("/nix/store/rbf62mp8nkhfxc157k9m2kpqjmqgb035-nixos-system.drv");
    private static final StorePath OUT = new StorePath("/nix/store/rbf62mp8nkhfxc157k9m2kpqjmqgb036-nixos-system");

    @Test
    void settingsHaveDefaultsAndRefuseNonsense() {
        PackageSteppingStrategy.Settings defaults = PackageSteppingStrategy.Settings.defaults();

        assertEquals(1.1, defaults.growthFactor());
        assertEquals(50, defaults.maxSteps());
        assertEquals(0, defaults.batchBytes());
        assertEquals(512 * MiB, new PackageSteppingStrategy.Settings(null, null, ByteSize.of("512MiB"), null).batchBytes());
        assertEquals(2L << 30, new PackageSteppingStrategy.Settings(null, null, ByteSize.of("2G"), null).batchBytes());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> new PackageSteppingStrategy.Settings(null, null, ByteSize.of("batchSize", "lots"), null));
        assertTrue(size.getMessage().contains("batchSize") && size.getMessage().contains("lots"), size.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PackageSteppingStrategy.Settings(0.0, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new PackageSteppingStrategy.Settings(null, 0, null, null));
        assertThrows(IllegalArgumentException.class, () -> new PackageSteppingStrategy.Settings(null, null, null, -1));
    }

    @Test
    void aBuilderFailurePassesWithNixsWords() {
        Step step = new Step("step 1 of 2: curl 8.6 -> 8.7", DRV, OUT, MiB, List.of("curl"), Optional.empty());

        Proposal proposal = new PackageSteppingStrategy().afterFailure(context(), step,
                new NixFailure.BuilderFailed(Optional.empty(), "builder for curl-8.7.drv failed with exit code 1"));

        Proposal.Pass pass = assertInstanceOf(Proposal.Pass.class, proposal);
        assertTrue(pass.reason().contains("curl-8.7.drv failed"), pass.reason());
    }

    @Test
    void aSingleUnitOutOfDiskPassesWithTheSmallestDiskThatWouldDo() {
        Step step = new Step("step 3 of 4: firefox 123 -> 124", DRV, OUT, 300 * MiB, List.of("firefox"), Optional.empty());

        Proposal proposal = new PackageSteppingStrategy().afterFailure(context(), step,
                new NixFailure.OutOfDisk(false, "No space left on device"));

        Proposal.Pass pass = assertInstanceOf(Proposal.Pass.class, proposal);
        // 300 MiB + 100 MiB reserve needed, 150 MiB free on a 1000 MiB disk: 1250 MiB would do
        assertTrue(pass.reason().contains("[firefox]") && pass.reason().contains("400.0 MiB")
                && pass.reason().contains("150.0 MiB") && pass.reason().contains("1.2 GiB"), pass.reason());
    }

    private static StrategyContext<PackageSteppingStrategy.Settings> context() {
        return new StrategyContext<>() {
            @Override public SystemState current() { throw new UnsupportedOperationException(); }
            @Override public Evaluation target() { throw new UnsupportedOperationException(); }
            @Override public List<StepResult> history() { return List.of(); }
            @Override public StorageReport storage() {
                return new StorageReport(Instant.EPOCH, new Volume("/nix/store", 1000 * MiB, 150 * MiB, 0, 0),
                        Optional.empty());
            }
            @Override public long reserveBytes() { return 100 * MiB; }
            @Override public boolean hasFallback() { return false; }
            @Override public PackageSteppingStrategy.Settings settings() { return PackageSteppingStrategy.Settings.defaults(); }
            @Override public Host host() { throw new UnsupportedOperationException(); }
            @Override public PluginState state() { throw new UnsupportedOperationException(); }
        };
    }
}
