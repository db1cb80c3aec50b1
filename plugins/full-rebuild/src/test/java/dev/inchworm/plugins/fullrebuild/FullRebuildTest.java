package dev.inchworm.plugins.fullrebuild;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.NoSettings;
import dev.inchworm.api.estimate.StoreEstimator;
import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.SystemState;
import dev.inchworm.testkit.MemoryNix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FullRebuildTest {

    static final long MIB = 1L << 20;

    @TempDir
    Path state;

    record Context(NoSettings settings, Host host, PluginState state, SystemState current, Evaluation target,
                   List<StepResult> history, StorageReport storage, long reserveBytes, boolean hasFallback)
            implements StrategyContext<NoSettings> {
    }

    final MemoryNix nix = new MemoryNix(100 * MIB);
    final MemoryNix.Drv lib1 = nix.pkg("lib-1.0", 10 * MIB);
    final MemoryNix.Drv app1 = nix.pkg("app-1.0", 20 * MIB, lib1);
    final MemoryNix.Drv sys1 = nix.system("1", app1, lib1);
    final MemoryNix.Drv lib2 = nix.pkg("lib-2.0", 12 * MIB);
    final MemoryNix.Drv app2 = nix.pkg("app-2.0", 22 * MIB, lib2);
    final MemoryNix.Drv tool = nix.pkg("tool-0.1", 1 * MIB);
    final MemoryNix.Drv sys2 = nix.system("2", app2, lib2, tool);

    Context context(List<StepResult> history, long reserve, boolean fallback) {
        nix.revision(1, sys1);
        var current = nix.install(sys1);
        Evaluation target = nix.evaluate(nix.revision(2, sys2));
        return new Context(new NoSettings(), nix.host(state), MemoryNix.notes(),
                new SystemState(current, sys1.out(), Optional.of(sys1.drv()), Optional.empty()), target, history,
                nix.host(state).storage(), reserve, fallback);
    }

    @Test
    void proposesTheWholeTargetEstimatedFromTheOldPackagesSizes() {
        Context context = context(List.of(), 0, false);
        Step step = ((Proposal.Next) new FullRebuild().propose(context)).step();
        assertEquals(sys2.drv(), step.drv());
        assertEquals(sys2.out(), step.toplevel());
        assertEquals(Optional.of(context.target().revision()), step.revision());
        // app and lib as big as their old versions; the new tool as the median path (the 10 MiB lib);
        // the toplevel as big as the old one; plus Nix's transient growth for the 4 paths registered.
        assertEquals(20 * MIB + 10 * MIB + 10 * MIB + 4096 + 4 * StoreEstimator.TRANSIENT_PER_PATH,
                step.estimatedBytes());
        assertEquals(step.estimatedBytes(), step.estimateTerms().stream()
                .mapToLong(dev.inchworm.api.estimate.FootprintEstimate.Term::bytes).sum());
        assertEquals(java.util.Set.of("nixos-system", "app", "lib", "tool"), java.util.Set.copyOf(step.units()));
        assertTrue(step.description().contains("4 to build"), step.description());
    }

    @Test
    void packageNamesDropTheVersionAndOutput() {
        assertEquals("firefox", FullRebuild.packageName("firefox-127.0"));
        assertEquals("firefox", FullRebuild.packageName("firefox-127.0-dev"));
        assertEquals("nixos-system-vps", FullRebuild.packageName("nixos-system-vps-25.05"));
        assertEquals("etc", FullRebuild.packageName("etc"));
        assertEquals("python3.11-requests", FullRebuild.packageName("python3.11-requests-2.31"));
    }

    @Test
    void passesUpFrontWhenClearlyTooBigAndAFallbackExists() {
        Context context = context(List.of(), 40 * MIB, true);
        Proposal proposal = new FullRebuild().propose(context);
        Proposal.Pass pass = assertInstanceOf(Proposal.Pass.class, proposal);
        assertTrue(pass.reason().contains("only 70.0 MiB are free"), pass.reason());
    }

    @Test
    void proposesAllTheSameWithoutAFallback() {
        Context context = context(List.of(), 40 * MIB, false);
        assertInstanceOf(Proposal.Next.class, new FullRebuild().propose(context));
    }

    @Test
    void garbageCountsAsRoomWhenDecidingToPass() {
        MemoryNix.Drv junk = nix.pkg("junk", 30 * MIB);
        nix.realise(junk.drv(), Optional.empty(), line -> { });
        Context context = context(List.of(), 5 * MIB, true);
        // 40 MiB estimate + 5 reserve > 40 free, but 30 MiB of garbage would be collected.
        assertInstanceOf(Proposal.Next.class, new FullRebuild().propose(context));
    }

    @Test
    void passesAfterItsStepFailedAndWhenTheHistorySaysSo() {
        Context fresh = context(List.of(), 0, false);
        Step step = ((Proposal.Next) new FullRebuild().propose(fresh)).step();
        Proposal after = new FullRebuild().afterFailure(fresh, step, new NixFailure.OutOfDisk(false, "No space left"));
        assertTrue(assertInstanceOf(Proposal.Pass.class, after).reason().contains("out of disk"));

        StepResult failed = new StepResult(step, StepResult.Outcome.OUT_OF_DISK, 0, 0, Duration.ZERO, 0);
        Context resumed = new Context(fresh.settings(), fresh.host(), fresh.state(), fresh.current(), fresh.target(),
                List.of(failed), fresh.storage(), 0, false);
        assertInstanceOf(Proposal.Pass.class, new FullRebuild().propose(resumed));
    }
}
