package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.nix.BootEntryFile;
import dev.inchworm.api.nix.Generation;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.storage.Volume;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.runtime.engine.Bound;
import dev.inchworm.runtime.journal.RunFailure;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.StepFailure;
import dev.inchworm.runtime.journal.StepRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before a step becomes a generation: will /boot hold its kernel and initrd? The bootloader
 * copies each distinct kernel and initrd of the generations kept, so the step needs the bytes of
 * those of its files no generation shares. When /boot is short, stale entries are removed (the
 * bootloader's install), then the profile's reclaimers run (one that deletes generations frees
 * their files, with another install) until it fits; otherwise the step is refused before the
 * switch, naming the bytes, instead of a switch that fails halfway on "No space left on
 * device". Only when the probe measures /boot, and only for {@code switch} and {@code boot}
 * (which write boot entries).
 */
final class BootFit {

    private static final Logger LOG = LoggerFactory.getLogger("inchworm.engine");
    /** The journal's notes of the last refusal: the bytes /boot needed and had, for the run's failure. */
    static final String NOTES = "engine:boot";
    private static final String NEEDED = "neededBytes";
    private static final String FREE = "freeBytes";

    private BootFit() {
    }

    /** The step refused (FAILED, kind boot-full), or empty when its boot files fit. */
    static Optional<StepRecord> check(ActiveRun run, StepRecord step) {
        if (!run.setup().action().setsProfile()) {
            return Optional.empty();
        }
        Optional<Volume> boot = run.calls().measure().boot();
        if (boot.isEmpty()) {
            return Optional.empty();
        }
        long need;
        try {
            need = newBytes(run, step.toplevel());
        } catch (RuntimeException e) { // NixException, or stat's output it could not read
            // Unknown sizes decide nothing: the switch itself still reports a full /boot.
            LOG.warn("cannot read the boot files of {}: {}; /boot is not checked", step.toplevel(), e.getMessage());
            return Optional.empty();
        }
        long free = boot.get().freeBytes();
        if (need <= free) {
            return Optional.empty();
        }
        run.progress().note(boot.get().path() + " is short: the boot files of " + step.toplevel().name() + " need "
                + ByteSize.format(need) + ", " + ByteSize.format(free) + " are free");
        run.upkeep().installBootEntries("to remove stale boot entries");
        free = bootFree(run, free);
        for (Bound<? extends Reclaimer<?>, ?> reclaimer : Reclaim.cheapestFirst(run)) {
            if (need <= free) {
                break;
            }
            Reclaim.reclaimWith(run, reclaimer, need - free);
            run.upkeep().installBootEntries("after " + reclaimer.id());
            free = bootFree(run, free);
        }
        if (need <= free) {
            return Optional.empty();
        }
        long needed = need;
        long left = free;
        run.update(r -> r.withNotes(NOTES, Map.of(NEEDED, Long.toString(needed), FREE, Long.toString(left))));
        return Optional.of(run.lastStep().failed(StepResult.Outcome.FAILED, StepFailure.own(StepFailure.Kind.BOOT_FULL,
                boot.get().path() + " would not hold the boot files of " + step.toplevel().name() + ": its kernel and "
                        + "initrd need " + ByteSize.format(need) + " (" + need + " bytes), " + ByteSize.format(free)
                        + " (" + free + " bytes) are free after removing the boot entries of every generation the "
                        + "reclaimers could delete; refused before switching")));
    }

    /**
     * The bytes of the toplevel's kernel and initrd that no generation of the profile shares (each
     * distinct file counted once).
     */
    static long newBytes(ActiveRun run, StorePath toplevel) {
        List<StorePath> systems = new ArrayList<>();
        for (Generation g : run.nix().generations()) {
            systems.add(g.toplevel());
        }
        systems.add(toplevel);
        List<BootEntryFile> files = run.nix().bootEntryFiles(systems);
        Set<String> onBoot = new HashSet<>();
        Map<String, Long> needed = new LinkedHashMap<>();
        for (BootEntryFile file : files) {
            if (file.toplevel().equals(toplevel)) {
                needed.put(file.target(), file.bytes());
            } else {
                onBoot.add(file.target());
            }
        }
        return needed.entrySet().stream().filter(e -> !onBoot.contains(e.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    /** The run's failure after a refused step, with the bytes /boot needed and had. */
    static RunFailure failure(RunRecord record, String reason) {
        Map<String, String> note = record.notes().getOrDefault(NOTES, Map.of());
        try {
            return new RunFailure(reason, Long.valueOf(note.get(NEEDED)), Long.valueOf(note.get(FREE)));
        } catch (NumberFormatException e) { // no note (a journal of an older version)
            return RunFailure.of(reason);
        }
    }

    private static long bootFree(ActiveRun run, long before) {
        StorageReport now = run.calls().measure();
        return now.boot().map(Volume::freeBytes).orElse(before);
    }
}
