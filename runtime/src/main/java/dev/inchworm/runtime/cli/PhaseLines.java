package dev.inchworm.runtime.cli;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.storage.StorageReport;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.runtime.engine.Progress;
import dev.inchworm.runtime.journal.ReclaimNote;
import dev.inchworm.runtime.journal.StepPhase;
import dev.inchworm.runtime.journal.StepRecord;
import java.time.Duration;
import java.util.Locale;

/**
 * The engine's progress when nobody watches a terminal (a systemd unit, a pipe): a line when
 * each phase of a step starts and one when it is done, with its bytes and seconds. A build of
 * hours shows as two lines, not as silence and not as a sample every few seconds; Nix's own
 * lines and the store samples are left out.
 */
final class PhaseLines implements Progress {

    private final Stderr err;

    PhaseLines(Stderr err) {
        this.err = err;
    }

    @Override
    public void stage(String what) {
        err.info("inchworm: " + what);
    }

    @Override
    public void step(int number, String strategy, Step step, StorageReport storage) {
        err.info("inchworm: step " + number + " (" + strategy + "): " + step.description()
                + (step.estimatedBytes() > 0 ? ", about " + ByteSize.format(step.estimatedBytes()) : "")
                + "; " + ByteSize.format(storage.store().freeBytes()) + " free of "
                + ByteSize.format(storage.store().totalBytes()));
    }

    @Override
    public void phaseStarted(int number, StepPhase phase) {
        err.info(started(number, phase));
    }

    @Override
    public void phaseEnded(StepPhase phase, StepRecord after, Duration took) {
        if (after.phase() == StepPhase.FAILED) {
            err.warning(ended(phase, after, took));
        } else {
            err.info(ended(phase, after, took));
        }
    }

    @Override
    public void note(String message) {
        err.info("inchworm: " + message);
    }

    /** {@code inchworm: step 2 building: started}. */
    static String started(int number, StepPhase phase) {
        return "inchworm: step " + number + " " + word(phase) + ": started";
    }

    /** {@code inchworm: step 2 building: done, peak 41.0 MiB used, 12.3 s}; failed steps say so and why. */
    static String ended(StepPhase phase, StepRecord after, Duration took) {
        boolean failed = after.phase() == StepPhase.FAILED;
        StringBuilder line = new StringBuilder("inchworm: step ").append(after.number()).append(' ')
                .append(word(phase)).append(": ").append(failed ? "failed" : "done");
        if (failed && after.failure() != null) {
            line.append(" (").append(after.failure().kind().wire()).append(')');
        }
        switch (phase) {
            case PLANNED -> line.append(", freed ")
                    .append(ByteSize.format(after.reclaimed().stream().mapToLong(ReclaimNote::freedBytes).sum()))
                    .append(", ").append(ByteSize.format(after.freeBytesBefore())).append(" free");
            case BUILDING -> line.append(", peak ").append(ByteSize.format(after.peakStoreBytes())).append(" used");
            case SETTING_PROFILE, ACTIVATING -> {
                if (after.generation() > 0) {
                    line.append(", generation ").append(after.generation());
                }
            }
            default -> { }
        }
        line.append(String.format(Locale.ROOT, ", %.1f s", took.toMillis() / 1000.0));
        if (failed && after.failure() != null && !after.failure().detail().isBlank()) {
            line.append(": ").append(after.failure().detail().lines().findFirst().orElse(""));
        }
        return line.toString();
    }

    /** The phase's action in the admin's words. */
    static String word(StepPhase phase) {
        return switch (phase) {
            case PLANNED -> "reclaiming";
            case BUILDING -> "building";
            case SETTING_PROFILE -> "setting the profile";
            case ACTIVATING -> "activating";
            case PRUNING -> "pruning";
            case FAILED, FINISHED -> phase.name().toLowerCase(Locale.ROOT);
        };
    }
}
