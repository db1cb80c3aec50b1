package dev.inchworm.plugins.commitwalk;

import dev.inchworm.api.ByteSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.inchworm.api.host.Host;
import dev.inchworm.api.host.PluginState;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.SystemState;
import dev.inchworm.testkit.MemoryNix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strategy against the test kit's in-memory store and source: a linear history of commits,
 * each bumping one 1 MiB package of 64, and a disk on which a given number of them fit.
 */
class CommitWalkTest {

    static final long MIB = 1L << 20;
    static final long RESERVE = MIB;

    @TempDir
    Path stateDir;

    record Context(CommitWalk.Settings settings, Host host, PluginState state, SystemState current,
                   Evaluation target, List<StepResult> history, StorageReport storage, long reserveBytes,
                   boolean hasFallback) implements StrategyContext<CommitWalk.Settings> {
    }

    /** A history of systems; {@code revisions.get(0)} is installed. */
    static final class History {
        final List<Revision> revisions = new ArrayList<>();
        final List<MemoryNix.Drv> systems = new ArrayList<>();
        MemoryNix nix;
        Generation installed;
    }

    /**
     * Revision 0 has {@code packages} apps of 1 MiB at version 1; commit k bumps the apps
     * {@code bumps[k-1]} to their next version (none: the commit changes nothing). The disk leaves room
     * for {@code fitting} bumped apps (at the default growth of 1.2) plus the toplevel and the
     * reserve.
     */
    static History history(int packages, int[][] bumps, int fitting) {
        History h = new History();
        int[] versions = new int[packages];
        Arrays.fill(versions, 1);
        List<int[]> states = new ArrayList<>();
        states.add(versions.clone());
        for (int[] commit : bumps) {
            for (int app : commit) {
                versions[app]++;
            }
            states.add(versions.clone());
        }
        long used = packages * MIB + 4096;
        long room = (long) Math.ceil(fitting * 1.2 * MIB) + (long) Math.ceil(4096 * 1.2) + RESERVE + MIB / 2;
        h.nix = new MemoryNix(used + room);
        MemoryNix.Drv[][] apps = new MemoryNix.Drv[packages][bumps.length + 2];
        for (int n = 0; n < states.size(); n++) {
            int[] state = states.get(n);
            List<MemoryNix.Drv> refs = new ArrayList<>();
            for (int p = 0; p < packages; p++) {
                int v = state[p];
                if (apps[p][v] == null) {
                    apps[p][v] = h.nix.pkg("app" + p + "-" + v + ".0", MIB);
                }
                refs.add(apps[p][v]);
            }
            // A commit that changes nothing evaluates to the very same toplevel.
            MemoryNix.Drv system = n > 0 && Arrays.equals(state, states.get(n - 1)) ? h.systems.get(n - 1)
                    : h.nix.system("host-" + n, refs.toArray(MemoryNix.Drv[]::new));
            h.systems.add(system);
            h.revisions.add(h.nix.revision(n + 1, system));
        }
        h.installed = h.nix.install(h.systems.get(0));
        return h;
    }

    static int[][] eachBumpsAnother(int commits) {
        int[][] bumps = new int[commits][];
        Arrays.setAll(bumps, i -> new int[] {i});
        return bumps;
    }

    Context context(History h, CommitWalk.Settings settings, PluginState notes, boolean fallback) {
        Host host = h.nix.host(stateDir);
        Generation current = h.nix.currentGeneration().orElseThrow();
        int at = 0;
        while (!h.systems.get(at).out().equals(current.toplevel())) {
            at++;
        }
        Revision head = h.revisions.get(h.revisions.size() - 1);
        MemoryNix.Drv last = h.systems.get(h.systems.size() - 1);
        Evaluation target = new Evaluation(head, last.drv(), last.out());
        return new Context(settings, host, notes,
                new SystemState(current, current.toplevel(), Optional.empty(), Optional.of(h.revisions.get(at))),
                target, List.of(), host.storage(), RESERVE, fallback);
    }

    static long evaluations(MemoryNix nix) {
        return nix.calls.stream().filter(c -> c.startsWith("evaluate ")).count();
    }

    static Step step(Proposal proposal) {
        return assertInstanceOf(Proposal.Next.class, proposal, proposal.toString()).step();
    }

    static String passReason(Proposal proposal) {
        return assertInstanceOf(Proposal.Pass.class, proposal, proposal.toString()).reason();
    }

    @Test
    void walksAsFarAsFitsWithLogarithmicallyManyEvaluations() {
        History h = history(64, eachBumpsAnother(64), 20);
        PluginState notes = MemoryNix.notes();
        Step step = step(new CommitWalk().propose(context(h, CommitWalk.Settings.defaults(), notes, true)));

        assertEquals(Optional.of(h.revisions.get(20)), step.revision(), step.description());
        assertEquals(h.systems.get(20).out(), step.toplevel());
        assertEquals(h.systems.get(20).drv(), step.drv());
        // 1, 2, 4, 8, 16, 32 commits ahead, then 24, 20, 22, 21: the target's own evaluation is free
        assertEquals(10, evaluations(h.nix));
        assertEquals("10", notes.get(Evaluations.COUNT).orElseThrow());
        assertTrue(step.description().startsWith("walk to " + h.revisions.get(20).shortId() + " (20 commits, "
                + "10 evaluations)"), step.description());
        assertEquals(20 * (long) Math.ceil(1.2 * MIB) + (long) Math.ceil(4096 * 1.2), step.estimatedBytes());
        assertEquals(21, step.units().size(), step.units().toString());
        assertTrue(step.units().containsAll(List.of("app0", "app19", "nixos-system-host")), step.units().toString());
    }

    @Test
    void evaluationsAreKeptInTheNotesForAResumedRun() {
        History h = history(64, eachBumpsAnother(64), 20);
        PluginState notes = MemoryNix.notes();
        Step first = step(new CommitWalk().propose(context(h, CommitWalk.Settings.defaults(), notes, true)));
        long before = evaluations(h.nix);

        // A fresh instance (a new process after a crash) with the run's notes: no evaluation again.
        Step again = step(new CommitWalk().propose(context(h, CommitWalk.Settings.defaults(), notes, true)));
        assertEquals(first.toplevel(), again.toplevel());
        assertEquals(before, evaluations(h.nix));
        assertTrue(again.description().contains("0 evaluations"), again.description());
    }

    @Test
    void theWholeWalkTakesTheTargetWhenItFitsWithoutEvaluatingAnything() {
        History h = history(8, eachBumpsAnother(8), 9);
        Step step = step(new CommitWalk().propose(context(h, CommitWalk.Settings.defaults(), MemoryNix.notes(), true)));
        assertEquals(Optional.of(h.revisions.get(8)), step.revision());
        assertEquals(0, evaluations(h.nix));
    }

    @Test
    void walksToTheEndStepByStep() {
        History h = history(16, eachBumpsAnother(16), 5);
        PluginState notes = MemoryNix.notes();
        CommitWalk walk = new CommitWalk();
        List<Integer> reached = new ArrayList<>();
        for (int steps = 0; steps < 10; steps++) {
            Context context = context(h, CommitWalk.Settings.defaults(), notes, true);
            if (context.current().toplevel().equals(context.target().toplevel())) {
                break;
            }
            Step step = step(walk.propose(context));
            h.nix.realise(step.drv(), Optional.empty(), line -> { });
            h.nix.setSystem(step.toplevel());
            h.nix.deleteGenerations(h.nix.generations().stream().map(Generation::number).toList());
            h.nix.collectGarbage(java.util.OptionalLong.empty());
            reached.add(h.revisions.indexOf(step.revision().orElseThrow()));
        }
        assertEquals(List.of(5, 10, 15, 16), reached);
        assertTrue(h.nix.peakUsed() <= h.nix.volume().totalBytes());
    }

    @Test
    void commitsThatDoNotChangeTheToplevelAreSkippedAndOneTooBigAlonePassesWithTheBytes() {
        // commits 1-5 change nothing; commit 6 bumps two apps at once, commit 7 one more; room for one
        History h = history(4, new int[][] {{}, {}, {}, {}, {}, {0, 1}, {2}}, 1);
        String reason = passReason(new CommitWalk().propose(context(h, CommitWalk.Settings.defaults(),
                MemoryNix.notes(), true)));
        assertTrue(reason.startsWith("the next commit that changes the system, " + h.revisions.get(6).shortId()
                + " (6 ahead), needs about 2.4 MiB + 1.0 MiB reserve, but "), reason);
        assertTrue(reason.endsWith(" are free"), reason);
    }

    @Test
    void asTheLastStrategyItTriesTheNextCommitAllTheSame() {
        History h = history(4, new int[][] {{}, {}, {0, 1}, {2}}, 1);
        Step step = step(new CommitWalk().propose(context(h, CommitWalk.Settings.defaults(), MemoryNix.notes(),
                false)));
        assertEquals(Optional.of(h.revisions.get(3)), step.revision());
    }

    @Test
    void maxCommitsPerStepLimitsAStepButLooksPastCommitsThatChangeNothing() {
        History h = history(4, new int[][] {{}, {}, {}, {0}, {1}, {2}}, 5);
        CommitWalk.Settings two = new CommitWalk.Settings(null, 2, null, null);
        Step step = step(new CommitWalk().propose(context(h, two, MemoryNix.notes(), true)));
        assertEquals(Optional.of(h.revisions.get(4)), step.revision(), step.description());
    }

    @Test
    void outOfDiskHalvesTheDistanceDownToOneCommitThenPasses() {
        History h = history(64, eachBumpsAnother(64), 20);
        PluginState notes = MemoryNix.notes();
        CommitWalk walk = new CommitWalk();
        Step twenty = step(walk.propose(context(h, CommitWalk.Settings.defaults(), notes, true)));

        Step ten = step(walk.afterFailure(context(h, CommitWalk.Settings.defaults(), notes, true), twenty,
                new NixFailure.OutOfDisk(false, "No space left on device")));
        assertEquals(Optional.of(h.revisions.get(10)), ten.revision());
        assertEquals("10", notes.get(CommitWalk.CAP).orElseThrow());
        Step next = step(walk.propose(context(h, CommitWalk.Settings.defaults(), notes, true)));
        assertEquals(Optional.of(h.revisions.get(10)), next.revision(), "the cap holds for the rest of the run");

        Step one = new Step("walk to 1", h.systems.get(1).drv(), h.systems.get(1).out(), MIB, List.of(),
                Optional.of(h.revisions.get(1)));
        String reason = passReason(walk.afterFailure(context(h, CommitWalk.Settings.defaults(), notes, true), one,
                new NixFailure.OutOfDisk(false, "No space left on device")));
        assertTrue(reason.contains("ran out of disk with a single commit " + h.revisions.get(1).shortId()), reason);

        String failed = passReason(walk.afterFailure(context(h, CommitWalk.Settings.defaults(), notes, true), ten,
                new NixFailure.BuilderFailed(Optional.empty(), "builder for 'x' failed with exit code 1")));
        assertTrue(failed.contains("failed with exit code 1"), failed);
    }

    @Test
    void theEvaluationBudgetEndsTheSearchWithTheBestSoFarThenPasses() {
        History h = history(64, eachBumpsAnother(64), 20);
        PluginState notes = MemoryNix.notes();
        CommitWalk.Settings three = new CommitWalk.Settings(null, null, 3, null);
        Step step = step(new CommitWalk().propose(context(h, three, notes, true)));
        // 1, 2, 4 commits ahead fit; 8 would be the fourth evaluation
        assertEquals(Optional.of(h.revisions.get(4)), step.revision());
        assertEquals(3, evaluations(h.nix));
        String reason = passReason(new CommitWalk().propose(context(h, three, notes, true)));
        assertTrue(reason.contains("used its 3 evaluations (maxEvaluations)"), reason);
    }

    @Test
    void withoutTheCurrentRevisionItPassesAndSaysHowToGiveIt() {
        History h = history(4, eachBumpsAnother(4), 4);
        Context known = context(h, CommitWalk.Settings.defaults(), MemoryNix.notes(), true);
        Context unknown = new Context(known.settings(), known.host(), known.state(),
                new SystemState(h.installed, h.installed.toplevel(), Optional.empty(), Optional.empty()),
                known.target(), List.of(), known.storage(), RESERVE, true);
        String reason = passReason(new CommitWalk().propose(unknown));
        assertTrue(reason.startsWith("commit-walk needs the current revision: run once with --from REV"), reason);
        assertEquals(0, evaluations(h.nix));
    }

    @Test
    void settingsHaveDefaultsAndRefuseNonsense() {
        CommitWalk.Settings defaults = CommitWalk.Settings.defaults();
        assertEquals(1.2, defaults.growthFactor());
        assertEquals(0, defaults.maxCommitsPerStep());
        assertEquals(64, defaults.maxEvaluations());
        assertEquals(64 * 1024, defaults.unknownByteCount());
        assertEquals(3L << 20, new CommitWalk.Settings(null, null, null, ByteSize.of("3MiB")).unknownByteCount());
        assertThrows(IllegalArgumentException.class, () -> new CommitWalk.Settings(0.0, null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new CommitWalk.Settings(null, -1, null, null));
        assertThrows(IllegalArgumentException.class, () -> new CommitWalk.Settings(null, null, -1, null));
        assertThrows(IllegalArgumentException.class, () -> new CommitWalk.Settings(null, null, null, ByteSize.of("unknownBytes", "lots")));
    }

    @Test
    void packageNamesDropHashVersionAndOutput() {
        assertEquals("firefox", NewBytes.packageName("firefox-127.0-dev"));
        assertEquals("nixos-system-vps", NewBytes.packageName("nixos-system-vps-25.05"));
        assertEquals("etc", NewBytes.packageName("etc"));
    }
}
