package dev.inchworm.runtime.engine.phase;

import dev.inchworm.runtime.config.EngineConfig;
import dev.inchworm.runtime.journal.RunRecord;

/**
 * {@code engine.keepInitial}: whether the run keeps its initial generation until the target is
 * reached. Released, the initial generation is deleted once the first step is switched (its
 * {@code .drv} stays rooted, so a rollback rebuilds it) and the strategies plan without its
 * closure. The decision is journalled (in the engine's notes) before any step acts on it.
 */
final class InitialRelease {

    private InitialRelease() {
    }

    /** True while the run keeps its initial generation. */
    static boolean keeps(RunRecord record) {
        return record.initialReleased().isEmpty();
    }

    /** With {@code auto}, the initial generation may still be released: nothing was released yet. */
    static boolean mayRelease(ActiveRun run) {
        return run.setup().config().keepInitial() == EngineConfig.KeepInitial.AUTO && keeps(run.record());
    }

    /** With {@code never}, journals the release before the first proposal; true when it wrote it. */
    static boolean decideNever(ActiveRun run) {
        if (run.setup().config().keepInitial() != EngineConfig.KeepInitial.NEVER || !keeps(run.record())) {
            return false;
        }
        run.progress().note("releasing the initial generation once the first step is switched (engine.keepInitial: never)");
        run.update(r -> r.withInitialReleased("engine.keepInitial is never"));
        return true;
    }
}
