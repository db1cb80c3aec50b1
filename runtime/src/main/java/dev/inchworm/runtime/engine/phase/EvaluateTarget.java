package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.estimate.StoreEstimator;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.reclaim.Reclaimed;
import dev.inchworm.api.reclaim.Reclaimer;
import dev.inchworm.runtime.engine.Bound;
import dev.inchworm.runtime.journal.RunFailure;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.Target;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run phase 1: the target's evaluation, once per run (a resumed run reads it from the
 * journal). Its {@code .drv} is rooted: collections after a failed step must not take the
 * derivations a later strategy (package-stepping) works from. An evaluation that runs out of
 * disk is treated as out of disk, not as a broken target: reclaimed, then retried once.
 */
final class EvaluateTarget {

    private static final Logger LOG = LoggerFactory.getLogger("inchworm.engine");

    private EvaluateTarget() {
    }

    static Evaluation act(ActiveRun run) {
        RunRecord record = run.record();
        if (record.target() != null) {
            Evaluation known = record.target().evaluation(record.targetRevision());
            run.upkeep().keepDerivation(known.drv(), run.upkeep().targetDrvRoot(record));
            return known;
        }
        makeRoomToEvaluate(run, record);
        run.progress().stage("evaluating " + record.targetRevision().shortId());
        Evaluation evaluation;
        try {
            evaluation = evaluateOrReclaim(run, record);
        } catch (NixException e) {
            if (outOfDisk(e.failure())) {
                throw new RunFailed(RunFailure.of("the target " + record.targetRevision().shortId()
                        + " could not be evaluated: the store ran out of disk while evaluating, again after "
                        + "reclaiming (" + e.failure().detail().lines().reduce((a, b) -> b).orElse("")
                        + "); free space for the evaluation's derivations and database growth, then try again"));
            }
            throw new RunFailed(RunFailure.of("the target " + record.targetRevision().shortId()
                    + " does not evaluate: " + e.failure().detail()));
        } catch (RuntimeException e) {
            throw new RunFailed(RunFailure.of("the target " + record.targetRevision().shortId()
                    + " could not be evaluated: " + e.getMessage()));
        }
        run.update(r -> r.withTarget(Target.of(evaluation)));
        run.upkeep().keepDerivation(evaluation.drv(), run.upkeep().targetDrvRoot(run.record()));
        return evaluation;
    }

    /**
     * Evaluates; an evaluation that runs out of disk (the {@code .drv} files and the database's
     * growth need room too) is retried once after reclaiming. A second failure is thrown.
     */
    private static Evaluation evaluateOrReclaim(ActiveRun run, RunRecord record) {
        try {
            return run.setup().source().evaluate(record.targetRevision());
        } catch (NixException e) {
            if (!outOfDisk(e.failure())) {
                throw e;
            }
            LOG.warn("evaluating {} ran out of disk: {}", record.targetRevision().shortId(), e.failure().detail());
            run.progress().note("the evaluation ran out of disk; reclaiming and evaluating again");
            if (e.failure() instanceof NixFailure.OutOfDisk full && full.storeFull()) {
                run.upkeep().recoverFullStore();
            }
            run.upkeep().collectGarbage("after the evaluation ran out of disk");
            reclaim(run, record);
            run.progress().stage("evaluating " + record.targetRevision().shortId() + " again");
            return run.setup().source().evaluate(record.targetRevision());
        }
    }

    /** What one derivation the evaluation registers may take: its {@code .drv} file and the database's growth. */
    static final long PER_DERIVATION = StoreEstimator.TRANSIENT_PER_PATH + 4096;

    /**
     * Before evaluating: the evaluation writes a {@code .drv} per derivation and grows Nix's
     * database (by tens of MiB for a NixOS system). Sized as if every derivation of the current
     * system were registered again (the target's are about as many; those already in the store
     * cost less, so this errs high); when that is more than is free, reclaims first, as after
     * an evaluation that ran out of disk, instead of letting it fail.
     */
    private static void makeRoomToEvaluate(ActiveRun run, RunRecord record) {
        long derivations = derivationsOfCurrentSystem(run, record);
        long need = derivations * PER_DERIVATION;
        long free = run.calls().measure().store().freeBytes();
        if (free >= need) {
            return;
        }
        run.progress().note("evaluating may need about " + ByteSize.format(need) + " (" + derivations
                + " derivations' files and database growth) but " + ByteSize.format(free)
                + " are free: reclaiming before evaluating");
        if (free == 0) {
            run.upkeep().recoverFullStore(); // Nix cannot even open its database on a disk with no byte free
        }
        run.upkeep().collectGarbage("to make room for the evaluation");
        if (run.calls().measure().store().freeBytes() < need) {
            reclaim(run, record, need);
        }
    }

    /** The derivations behind the current system (its .drv's closure), else its paths; 0 when Nix cannot say. */
    private static long derivationsOfCurrentSystem(ActiveRun run, RunRecord record) {
        try {
            if (record.initial().drv() != null && run.nix().isValid(record.initial().drv())) {
                return run.nix().closure(record.initial().drv(), false).stream()
                        .filter(p -> p.name().endsWith(".drv")).count();
            }
            return run.nix().closure(record.initial().toplevel(), false).size();
        } catch (RuntimeException e) {
            LOG.warn("cannot count the current system's derivations: {}", e.getMessage());
            return 0;
        }
    }

    /** The reclaimers, cheapest first, each asked for the engine's reserve. */
    private static void reclaim(ActiveRun run, RunRecord record) {
        reclaim(run, record, 0);
    }

    /** The reclaimers, cheapest first, each asked for {@code bytes} (at least the engine's reserve). */
    private static void reclaim(ActiveRun run, RunRecord record, long bytes) {
        List<Bound<? extends Reclaimer<?>, ?>> cheapestFirst = new ArrayList<>(run.setup().extensions().reclaimers());
        cheapestFirst.sort(Comparator.comparingInt(b -> b.extension().cost()));
        long wanted = Math.max(Math.max(run.setup().config().reserveBytes(), bytes), 1);
        for (Bound<? extends Reclaimer<?>, ?> reclaimer : cheapestFirst) {
            try {
                Reclaimed freed = run.calls().reclaim(reclaimer, run.upkeep().protectedGenerations(record), wanted);
                run.progress().note(reclaimer.id() + ": " + freed.summary());
            } catch (RuntimeException e) {
                LOG.warn("reclaimer {} failed", reclaimer.id(), e);
            }
        }
    }

    /** Out of disk, as Nix or SQLite says it while evaluating. */
    static boolean outOfDisk(NixFailure failure) {
        String detail = failure.detail().toLowerCase(Locale.ROOT);
        return failure instanceof NixFailure.OutOfDisk || detail.contains("database or disk is full")
                || detail.contains("no space left");
    }
}
