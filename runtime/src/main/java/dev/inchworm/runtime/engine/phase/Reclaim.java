package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.runtime.engine.Bound;
import dev.inchworm.runtime.journal.ReclaimNote;
import dev.inchworm.runtime.journal.StepPhase;
import dev.inchworm.runtime.journal.StepRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step phase PLANNED -> BUILDING: checks the fit and runs the reclaimers, cheapest first, while
 * the step is short of space. Each reclaimer's note is journaled as it finishes; the step is
 * tried even when it may not fit (the estimate is an estimate).
 */
final class Reclaim implements StepPhaseHandler {

    private static final Logger LOG = LoggerFactory.getLogger("inchworm.engine");

    @Override
    public StepRecord act(ActiveRun run, StepRecord step) {
        // A strategy may have just added the step's .drv (package-stepping's masked systems):
        // no GC root holds it yet, and the reclaimers below may collect garbage.
        run.upkeep().keepDerivation(step.drv(), run.upkeep().gcRoot(run.record(), step.number() + ".drv"));
        StorageReport before = run.calls().measure();
        run.progress().step(step.number(), step.strategy(), step.step(), before);
        long need = step.estimatedBytes() + run.setup().config().reserveBytes();
        InodeNeed inodes = InodeNeed.of(before.store(), need);
        StorageReport now = before;
        boolean reclaimed = false;
        for (Bound<? extends Reclaimer<?>, ?> reclaimer : cheapestFirst(run)) {
            long wanted = Math.max(need - now.store().freeBytes(), inodes.bytesShort(now.store()));
            if (wanted <= 0) {
                break;
            }
            reclaimWith(run, reclaimer, wanted);
            reclaimed = true;
            now = run.calls().measure();
        }
        long free = now.store().freeBytes();
        if (free < need) {
            run.progress().note("step " + step.number() + " may not fit: it needs about " + ByteSize.format(need) + ", "
                    + ByteSize.format(free) + " are free; trying all the same");
        }
        if (inodes.bytesShort(now.store()) > 0) {
            run.progress().note("step " + step.number() + " may not fit: it needs about " + inodes.inodes()
                    + " inodes, " + now.store().freeInodes() + " are free; trying all the same");
        }
        if (reclaimed) {
            // A reclaimer may have deleted generations: the bootloader's install removes their entries.
            run.upkeep().installBootEntriesIfMeasured("after reclaiming");
        }
        StepRecord last = run.lastStep();
        return last.withMeasurements(last.peakStoreBytes(), free, last.durationMs()).withPhase(StepPhase.BUILDING);
    }

    /** Runs one reclaimer for {@code wanted} bytes and journals what it says it freed. */
    static void reclaimWith(ActiveRun run, Bound<? extends Reclaimer<?>, ?> reclaimer, long wanted) {
        run.progress().stage("reclaiming " + ByteSize.format(wanted) + " with " + reclaimer.id());
        ReclaimNote note;
        try {
            Reclaimed freed = run.calls().reclaim(reclaimer, run.upkeep().protectedGenerations(run.record()), wanted);
            note = new ReclaimNote(reclaimer.id(), freed.freedBytes(), freed.summary());
        } catch (RuntimeException e) {
            LOG.warn("reclaimer {} failed", reclaimer.id(), e);
            note = new ReclaimNote(reclaimer.id(), 0, "failed: " + e.getMessage());
        }
        ReclaimNote written = note;
        run.progress().note(reclaimer.id() + ": " + note.summary());
        run.update(r -> r.withLastStep(s -> s.withReclaimed(written)));
    }

    /** The profile's reclaimers, cheapest first. */
    static List<Bound<? extends Reclaimer<?>, ?>> cheapestFirst(ActiveRun run) {
        List<Bound<? extends Reclaimer<?>, ?>> sorted = new ArrayList<>(run.setup().extensions().reclaimers());
        sorted.sort(Comparator.comparingInt(b -> b.extension().cost()));
        return sorted;
    }
}
