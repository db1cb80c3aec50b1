package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.StoreMaintenance;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.SwitchAction;
import dev.inchworm.api.host.CommandException;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.StepRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run's housekeeping on the host: which generations stay, the GC roots that keep step
 * outputs and derivations alive while the run may need them, and garbage collection. A failure
 * here costs space, never correctness, so it is noted and the run goes on.
 */
final class Upkeep {

    /** The GC root keeping the last run's initial system's derivation, for a later rollback. */
    static final String BEFORE_LAST_RUN = "before-last-run.drv";
    private static final Logger LOG = LoggerFactory.getLogger("inchworm.engine");

    private final ActiveRun run;
    private final Nix nix;
    private final StoreMaintenance store;

    Upkeep(ActiveRun run) {
        this.run = run;
        this.nix = run.nix();
        this.store = StoreMaintenance.of(nix);
    }

    /**
     * The current generation and the live systems' (booted, current), and the run's initial one
     * unless the run released it (engine.keepInitial).
     */
    Set<Integer> protectedGenerations(RunRecord record) {
        Set<Integer> keep = liveGenerations();
        if (InitialRelease.keeps(record)) {
            keep.add(record.initial().generation());
        }
        return keep;
    }

    Set<Integer> liveGenerations() {
        Set<Integer> keep = new HashSet<>();
        List<StorePath> live = nix.liveSystems();
        for (Generation g : nix.generations()) {
            if (g.current() || live.contains(g.toplevel())) {
                keep.add(g.number());
            }
        }
        return keep;
    }

    /**
     * Deletes one generation if it still exists, links to {@code toplevel} and is not kept.
     *
     * @return true when it was deleted
     */
    boolean deleteGeneration(int number, StorePath toplevel, Set<Integer> keep) {
        if (number == 0 || keep.contains(number)) {
            return false;
        }
        boolean exists = nix.generations().stream()
                .anyMatch(g -> g.number() == number && g.toplevel().equals(toplevel) && !g.current());
        if (exists) {
            run.progress().note("deleting generation " + number);
            try {
                nix.deleteGenerations(List.of(number));
                return true;
            } catch (NixException e) {
                // Pruning is housekeeping: a generation left behind costs space, not correctness.
                LOG.warn("cannot delete generation {}: {}", number, e.getMessage());
                run.progress().note("could not delete generation " + number + ": " + e.failure().detail());
            }
        }
        return false;
    }

    /**
     * After generations were deleted on a host whose /boot the probe measures: the bootloader's
     * install ({@code switch-to-configuration boot} of the current generation, as
     * {@code nixos-rebuild boot}), which writes the entries of the generations left and removes
     * the deleted ones' kernels and initrds from /boot. Left to the next switch otherwise.
     */
    void installBootEntriesIfMeasured(String when) {
        if (run.setup().action().setsProfile() && run.calls().measure().boot().isPresent()) {
            installBootEntries(when);
        }
    }

    /** The bootloader's install for the current generation; a failure is noted, the run goes on. */
    void installBootEntries(String when) {
        Optional<Generation> current = nix.currentGeneration();
        if (current.isEmpty()) {
            return;
        }
        run.progress().note("installing the boot entries of generation " + current.get().number() + " " + when);
        try {
            nix.switchToConfiguration(current.get().toplevel(), SwitchAction.BOOT);
        } catch (NixException | CommandException e) {
            // The entries stay until the next switch: /boot holds more than it must, nothing breaks.
            LOG.warn("installing the boot entries {} failed: {}", when, e.getMessage());
            run.progress().note("installing the boot entries " + when + " failed: " + e.getMessage());
        }
    }

    void collectGarbage(String when) {
        try {
            var gc = nix.collectGarbage(OptionalLong.empty());
            run.progress().note("garbage collected " + when + ": " + ByteSize.format(gc.bytesFreed()) + " freed");
        } catch (NixException e) {
            if (e.failure() instanceof NixFailure.OutOfDisk full && full.storeFull()) {
                recoverFullStore();
                return;
            }
            // Collecting is housekeeping: a failed collection leaves garbage, not damage.
            LOG.warn("garbage collection {} failed: {}", when, e.getMessage());
            run.progress().note("garbage collection " + when + " failed: " + e.failure().detail());
        }
    }

    /** A store with no byte free breaks even Nix's database: the backend's recovery frees room. */
    void recoverFullStore() {
        try {
            var freed = store.recoverFullStore();
            run.progress().note("recovered the full store: " + ByteSize.format(freed.bytesFreed()) + " freed");
        } catch (NixException e) {
            LOG.warn("recovering the full store failed: {}", e.getMessage());
        }
    }

    /**
     * Keeps a derivation (and the derivations and sources it is built from) through garbage
     * collections while the run may need to rebuild it (the retrace rollback).
     */
    void keepDerivation(StorePath drv, Path root) {
        if (nix.isValid(drv)) {
            try {
                Files.createDirectories(root.getParent());
                store.rootDerivation(drv, root);
            } catch (IOException | NixException e) {
                LOG.warn("cannot keep {} alive: {}", drv, e.getMessage());
            }
        }
    }

    Path gcRoot(RunRecord record, Object name) {
        return gcRoots().resolve(record.runId() + "-step-" + name);
    }

    Path targetDrvRoot(RunRecord record) {
        return gcRoots().resolve(record.runId() + "-target.drv");
    }

    Path initialDrvRoot(RunRecord record) {
        return gcRoots().resolve(record.runId() + "-initial.drv");
    }

    Path beforeLastRunRoot() {
        return gcRoots().resolve(BEFORE_LAST_RUN);
    }

    /** Removes the GC roots of the run's step outputs: once installed, the profile roots them. */
    void deleteOutputRoots(RunRecord record) {
        deleteOutputRoots(record, 0);
    }

    /** The same, but the root of step {@code kept} stays (0: none does). */
    void deleteOutputRoots(RunRecord record, int kept) {
        for (StepRecord step : record.steps()) {
            if (step.number() != kept) {
                deleteQuietly(gcRoot(record, step.number()));
            }
        }
    }

    /** Removes every GC root of the run: outputs, and the derivations kept for a retrace. */
    void deleteRoots(RunRecord record) {
        deleteOutputRoots(record);
        for (StepRecord step : record.steps()) {
            deleteQuietly(gcRoot(record, step.number() + ".drv"));
        }
        deleteQuietly(initialDrvRoot(record));
        deleteQuietly(targetDrvRoot(record));
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", file, e.getMessage());
        }
    }

    private Path gcRoots() {
        return run.setup().stateDir().resolve("gcroots");
    }
}
