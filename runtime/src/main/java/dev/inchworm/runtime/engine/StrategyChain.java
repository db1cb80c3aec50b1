package dev.inchworm.runtime.engine;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.strategy.ProfileRejected;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.SystemState;
import dev.inchworm.api.strategy.UnitChange;
import dev.inchworm.api.strategy.UpgradeStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The profile's strategies in the order they are asked, for both {@code upgrade} and
 * {@code plan}. A strategy that throws passes: one plugin's bug hands the run to the next
 * strategy instead of ending it.
 */
public final class StrategyChain {

    private static final Logger LOG = LoggerFactory.getLogger("inchworm.engine");

    private final List<Bound<? extends UpgradeStrategy<?>, ?>> strategies;
    private final ExtensionCalls calls;

    public StrategyChain(Extensions extensions, ExtensionCalls calls) {
        this.strategies = extensions.strategies();
        this.calls = calls;
    }

    /** The strategy at {@code index}, or empty when the chain is exhausted. */
    public Optional<Bound<? extends UpgradeStrategy<?>, ?>> at(int index) {
        return index < strategies.size() ? Optional.of(strategies.get(index)) : Optional.empty();
    }

    /** The next step of the strategy at {@code index} from {@code current}, or its pass. */
    public Proposal propose(int index, SystemState current, Evaluation target, List<StepResult> history) {
        return propose(index, current, target, history, true);
    }

    /** As above, telling the strategy whether the run keeps its initial generation. */
    public Proposal propose(int index, SystemState current, Evaluation target, List<StepResult> history,
                            boolean keepsInitial) {
        return propose(index, current, target, history, keepsInitial, true);
    }

    /** As above, with the booted system counted as pinned. */
    public Proposal propose(int index, SystemState current, Evaluation target, List<StepResult> history,
                            boolean keepsInitial, boolean keepsBooted) {
        return propose(index, current, target, history, keepsInitial, keepsBooted, 0);
    }

    /**
     * As above, also telling it whether to count the booted system as pinned (false: as after a
     * reboot into the current system, the store then having {@code rebootFreesBytes} more free:
     * what only the booted system held, which the collection after the boot frees).
     */
    public Proposal propose(int index, SystemState current, Evaluation target, List<StepResult> history,
                            boolean keepsInitial, boolean keepsBooted, long rebootFreesBytes) {
        Bound<? extends UpgradeStrategy<?>, ?> strategy = strategies.get(index);
        try {
            return calls.propose(strategy, index, current, target, history, keepsInitial, keepsBooted,
                    rebootFreesBytes);
        } catch (RuntimeException e) {
            LOG.warn("strategy {} failed to propose", strategy.id(), e);
            return Proposal.pass("it failed: " + e);
        }
    }

    /** The reaction of the strategy at {@code index} to the failed step: a smaller one, or a pass. */
    public Proposal afterFailure(int index, SystemState current, Evaluation target, List<StepResult> history,
                                 Step failed, NixFailure failure, boolean keepsInitial) {
        Bound<? extends UpgradeStrategy<?>, ?> strategy = strategies.get(index);
        try {
            return calls.afterFailure(strategy, index, current, target, history, failed, failure, keepsInitial);
        } catch (RuntimeException e) {
            LOG.warn("strategy {} failed to react to a failed step", strategy.id(), e);
            return Proposal.pass("it failed: " + e);
        }
    }

    /**
     * Every strategy's check of the profile against the two systems, in chain order.
     *
     * @throws ProfileRejected for the first check that rejects it (a configuration error);
     *     any other failure of a check is logged and ignored (its strategy will pass in turn)
     */
    public void checkProfile(SystemState current, Evaluation target) {
        for (int i = 0; i < strategies.size(); i++) {
            try {
                calls.checkProfile(strategies.get(i), i, current, target);
            } catch (ProfileRejected e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.warn("strategy {} failed to check the profile", strategies.get(i).id(), e);
            }
        }
    }

    /** The units each strategy sees changing; a strategy that cannot list them adds a remark. */
    public List<Plan.StrategyUnits> units(SystemState current, Evaluation target, List<String> remarks) {
        List<Plan.StrategyUnits> units = new ArrayList<>();
        for (int i = 0; i < strategies.size(); i++) {
            try {
                List<UnitChange> changes = calls.units(strategies.get(i), i, current, target);
                if (!changes.isEmpty()) {
                    units.add(new Plan.StrategyUnits(strategies.get(i).id(), changes));
                }
            } catch (RuntimeException e) {
                remarks.add(strategies.get(i).id() + " could not list the units: " + e.getMessage());
            }
        }
        return units;
    }
}
