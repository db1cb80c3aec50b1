package dev.inchworm.runtime.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.inchworm.api.estimate.FootprintEstimate;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.runtime.journal.ReclaimNote;
import dev.inchworm.runtime.journal.RunRecord;
import dev.inchworm.runtime.journal.RunResult;
import dev.inchworm.runtime.journal.StepRecord;
import dev.inchworm.runtime.journal.StrategyPass;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a run did, for {@code --json} and {@code <stateDir>/reports/}. Made from the journal
 * alone, so a report can always be written again for any run the journal holds.
 *
 * @param runId          the run's id
 * @param host           the host's name
 * @param result         upgraded, already-current, rolled-back or failed
 * @param from           where the host started
 * @param to             where the run was going (toplevel null when the target did not evaluate)
 * @param steps          the steps taken, oldest first
 * @param peakStoreBytes the highest store usage sampled during the run's builds
 * @param finalToplevel  the toplevel the host is on at the end
 * @param reproducible   true when the host ended on exactly the path the target evaluates to
 * @param failure        why the run did not reach its target, or null
 * @param rollback       what the rollback did, or why it could not restore, or null
 * @param passes         strategies that handed over, with their reasons
 * @param resumed        how many times the run was resumed after an interruption
 * @param startedAt      when the run began
 * @param finishedAt     when it finished, or null
 * @param rebootNeeded   true when the system the host ended on has another kernel, initrd or
 *                       kernel modules than the booted system: it runs them only after a reboot
 * @param rebootFor      those boot files ({@code kernel}, {@code initrd}, {@code kernel-modules})
 * @param reboot         the reboot the run awaits to go on, and the reboots it went through; null when none
 * @param initialReleased why the run released its initial generation ({@code engine.keepInitial}), so
 *                       that its old versions could be collected; null while it was kept
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunReport(String runId, String host, RunResult result, Side from, Side to, List<StepReport> steps,
                        long peakStoreBytes, StorePath finalToplevel, boolean reproducible, Failure failure,
                        String rollback, List<StrategyPass> passes, int resumed, Instant startedAt,
                        Instant finishedAt, boolean rebootNeeded, List<String> rebootFor, Reboot reboot,
                        String initialReleased) {

    public RunReport {
        Objects.requireNonNull(runId, "runId");
        steps = List.copyOf(steps);
        passes = List.copyOf(passes);
        rebootFor = rebootFor == null ? List.of() : List.copyOf(rebootFor); // reports saved before 0.2 lack it
    }

    /** The report of a run as the journal holds it. */
    public static RunReport of(RunRecord run) {
        List<StepReport> steps = run.steps().stream().map(StepReport::of).toList();
        long peak = steps.stream().mapToLong(StepReport::peakStoreBytes).max().orElse(0);
        StorePath target = run.target() == null ? null : run.target().toplevel();
        boolean reproducible = run.finalToplevel() != null && run.finalToplevel().equals(target)
                && (run.result() == RunResult.UPGRADED || run.result() == RunResult.ALREADY_CURRENT);
        Failure failure = run.failure() == null ? null
                : new Failure(run.failure().reason(), run.failure().neededBytes(), run.failure().freeBytes());
        return new RunReport(run.runId(), run.host(), run.result(),
                new Side(run.initial().revision(), run.initial().toplevel()),
                new Side(run.targetRevision(), target), steps, peak, run.finalToplevel(), reproducible, failure,
                run.rollback(), run.passes(), run.resumed(), run.startedAt(), run.finishedAt(),
                !RebootCheck.changed(run).isEmpty(), RebootCheck.changed(run), Reboot.of(run),
                run.initialReleased().orElse(null));
    }

    /**
     * The reboots of a run that frees the booted system's pin ({@code engine.reboot}).
     *
     * @param into       the step's toplevel the run awaits the host to boot, or null when it awaits none
     * @param freesBytes what the booted system pins that a reboot into it frees
     * @param why        why the run stopped for it, or null
     * @param reboots    reboots into a step this run went through so far
     * @param fellBack   what the host booted instead of the step it was rebooted into, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reboot(StorePath into, Long freesBytes, String why, int reboots, String fellBack) {

        static Reboot of(RunRecord run) {
            var wait = run.rebootWait();
            if (wait.isEmpty() && run.reboots() == 0 && run.bootFellBack().isEmpty()) {
                return null;
            }
            return new Reboot(wait.map(w -> w.into()).orElse(null), wait.map(w -> w.freesBytes()).orElse(null),
                    wait.map(w -> w.why()).orElse(null), run.reboots(), run.bootFellBack().orElse(null));
        }
    }

    /**
     * One end of the run.
     *
     * @param rev      the source revision, or null when unknown
     * @param toplevel the system toplevel, or null when unknown
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Side(Revision rev, StorePath toplevel) {
    }

    /**
     * One step.
     *
     * @param number          its position in the run
     * @param strategy        the strategy that proposed it
     * @param description     what it does
     * @param toplevel        the toplevel it builds
     * @param outcome         done, out-of-disk, failed, skipped; in-progress when the run stopped in it
     * @param estimatedBytes  the strategy's estimate
     * @param peakStoreBytes  the highest store usage sampled while it built
     * @param freeBytesBefore free store bytes when it started building
     * @param durationMs      wall time
     * @param generation      the generation it installed, or null
     * @param reclaimed       what reclaimers freed for it
     * @param failure         why it failed, or null
     * @param estimateTerms   the terms of its estimate (docs/estimates.md), empty when the strategy gave none
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StepReport(int number, String strategy, String description, StorePath toplevel, String outcome,
                             long estimatedBytes, long peakStoreBytes, long freeBytesBefore, long durationMs,
                             Integer generation, List<ReclaimNote> reclaimed, String failure,
                             List<FootprintEstimate.Term> estimateTerms) {

        static StepReport of(StepRecord step) {
            String outcome = step.outcome() == null ? "in-progress" : word(step.outcome());
            return new StepReport(step.number(), step.strategy(), step.description(), step.toplevel(), outcome,
                    step.estimatedBytes(), step.peakStoreBytes(), step.freeBytesBefore(), step.durationMs(),
                    step.generation() == 0 ? null : step.generation(), step.reclaimed(),
                    step.failure() == null ? null : step.failure().toString(), step.estimateTerms());
        }

        private static String word(StepResult.Outcome outcome) {
            return outcome.name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * Why a run failed.
     *
     * @param reason      in words
     * @param neededBytes store bytes the failing step needed (estimate plus reserve), when known
     * @param freeBytes   store bytes free when it started, when relevant
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Failure(String reason, Long neededBytes, Long freeBytes) {
    }
}
