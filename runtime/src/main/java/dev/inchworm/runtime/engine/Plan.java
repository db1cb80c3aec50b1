package dev.inchworm.runtime.engine;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.inchworm.api.estimate.FootprintEstimate;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.runtime.journal.StrategyPass;
import java.util.List;
import java.util.Objects;

/**
 * What an upgrade would do now: the steps the strategies propose, assuming each succeeds, with
 * what each would build and whether its estimate fits in what is free now.
 *
 * @param from           where the host is (revision null when unknown)
 * @param to             where the upgrade would go
 * @param alreadyCurrent the host already runs the target
 * @param freeBytes      store bytes free now
 * @param reserveBytes   bytes the engine keeps free on top of each step's estimate
 * @param steps          the steps, in order
 * @param passes         strategies that would hand over, with their reasons
 * @param complete       true when the steps reach the target; false when the plan stops short
 * @param notes          remarks: an interrupted run that would be taken over first, a plan cut short
 * @param units          the units (packages) the strategies that work by units see changing,
 *                       like {@code nvd diff}; empty when none does
 * @param closure        the packages the upgrade changes, whatever the strategies ({@link ClosureDiff}),
 *                       or null when the host already runs the target or the stores could not tell
 * @param pins           the systems roots keep (booted, current, generations), each with what it
 *                       holds that the target does not need
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Plan(RunReport.Side from, RunReport.Side to, boolean alreadyCurrent, long freeBytes, long reserveBytes,
                   List<PlannedStep> steps, List<StrategyPass> passes, boolean complete, List<String> notes,
                   List<StrategyUnits> units, ClosureDiff closure, List<Pins.Pin> pins) {

    public Plan {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        steps = List.copyOf(steps);
        passes = List.copyOf(passes);
        notes = List.copyOf(notes);
        units = List.copyOf(units);
        pins = List.copyOf(pins);
    }

    /** The units one strategy sees changing from the current system to the target. */
    public record StrategyUnits(String strategy, List<dev.inchworm.api.strategy.UnitChange> units) {
        public StrategyUnits {
            Objects.requireNonNull(strategy, "strategy");
            units = List.copyOf(units);
        }
    }

    /**
     * One step of a plan.
     *
     * @param number         its position
     * @param strategy       the strategy that proposes it
     * @param description    what it does
     * @param toplevel       the toplevel it builds
     * @param estimatedBytes the strategy's estimate of what the build adds
     * @param fits           estimate plus reserve is at most what is free now (later steps
     *                       also get what garbage collection frees; that is not counted)
     * @param toBuild        the derivations Nix would build for it now
     * @param toFetch        the paths Nix would fetch for it now
     * @param estimateTerms  the terms of the estimate (docs/estimates.md), empty when the strategy gave none
     */
    public record PlannedStep(int number, String strategy, String description, StorePath toplevel,
                              long estimatedBytes, boolean fits, List<StorePath> toBuild, List<StorePath> toFetch,
                              List<FootprintEstimate.Term> estimateTerms) {
        public PlannedStep {
            estimateTerms = List.copyOf(estimateTerms);
            toBuild = List.copyOf(toBuild);
            toFetch = List.copyOf(toFetch);
        }
    }
}
