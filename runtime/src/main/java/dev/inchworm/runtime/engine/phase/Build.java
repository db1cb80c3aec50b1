package dev.inchworm.runtime.engine.phase;

import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.runtime.engine.StoreSampler;
import dev.inchworm.runtime.journal.StepFailure;
import dev.inchworm.runtime.journal.StepPhase;
import dev.inchworm.runtime.journal.StepRecord;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step phase BUILDING -> SETTING_PROFILE: realises the step's derivation under a GC root of
 * the run, sampling the store for the step's peak. A failed build frees its outputs and
 * collects garbage before the failure is written: on a full disk even the journal needs room.
 */
final class Build implements StepPhaseHandler {

    private static final Logger LOG = LoggerFactory.getLogger("inchworm.engine");
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(200);

    @Override
    public StepRecord act(ActiveRun run, StepRecord step) {
        Path root = run.upkeep().gcRoot(run.record(), step.number());
        run.progress().stage("building " + step.drv().name());
        run.activatedToplevel(run.record()).or(() -> run.nix().currentGeneration().map(g -> g.toplevel()))
                .ifPresent(from -> run.calls().expect(from, step.drv()));
        StoreSampler sampler = StoreSampler.start(run.calls()::measure, SAMPLE_EVERY, run.progress()::storage);
        List<StorePath> outputs;
        try {
            outputs = run.nix().realise(step.drv(), Optional.of(root), run.progress()::building);
        } catch (NixException e) {
            sampler.close();
            Upkeep.deleteQuietly(root);
            NixFailure failure = e.failure();
            if (failure instanceof NixFailure.OutOfDisk full && full.storeFull()) {
                run.upkeep().recoverFullStore();
            }
            run.upkeep().collectGarbage("after the failed build");
            StepResult.Outcome outcome = failure instanceof NixFailure.OutOfDisk
                    ? StepResult.Outcome.OUT_OF_DISK : StepResult.Outcome.FAILED;
            return withPeak(step, sampler).failed(outcome, StepFailure.of(failure));
        } finally {
            sampler.close();
        }
        if (!outputs.contains(step.toplevel())) {
            return withPeak(step, sampler).failed(StepResult.Outcome.FAILED, StepFailure.own(StepFailure.Kind.ERROR,
                    "the step built " + outputs + ", not its toplevel " + step.toplevel()));
        }
        StepRecord built = withPeak(step, sampler);
        learn(run, built);
        return built.withPhase(StepPhase.SETTING_PROFILE);
    }

    /** The shared estimator keeps what this build measured: its peak growth and the units' sizes. */
    private static void learn(ActiveRun run, StepRecord built) {
        try {
            long total = run.calls().measure().store().totalBytes();
            long usedBefore = total - built.freeBytesBefore();
            run.calls().learn(built.drv(), Math.max(0, built.peakStoreBytes() - usedBefore));
        } catch (RuntimeException e) {
            LOG.warn("could not keep what step {} measured", built.number(), e);
        }
    }

    private static StepRecord withPeak(StepRecord step, StoreSampler sampler) {
        return step.withMeasurements(Math.max(step.peakStoreBytes(), sampler.peakUsedBytes()), step.freeBytesBefore(),
                step.durationMs());
    }
}
