package dev.inchworm.api.strategy;

import dev.inchworm.api.Api;
import dev.inchworm.api.Pluggable;
import dev.inchworm.api.nix.NixFailure;

/**
 * Proposes the next step from the current system toward the target, and reacts to a step
 * that failed. The engine asks strategies in the profile's order; the first that proposes a
 * step drives until it passes. Strategies must be resumable: after a crash a fresh instance
 * is asked again with the same {@link StrategyContext#current()} and history, and with its
 * {@link dev.inchworm.api.host.PluginState} notes.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface UpgradeStrategy<S extends Record> extends Pluggable<S> {

    /** The next step toward {@code context.target()}, or a pass. Not called once at the target. */
    Proposal propose(StrategyContext<S> context);

    /**
     * The step {@code failed} did not complete for the reason {@code failure}: propose a
     * smaller step instead (split it), or pass.
     */
    Proposal afterFailure(StrategyContext<S> context, Step failed, NixFailure failure);

    /**
     * The units (packages) the upgrade from {@code context.current()} to the target changes,
     * for {@code inchworm plan}; empty when the strategy does not work by units (the default).
     * Must not change the host.
     *
     * @since 0.2
     */
    @Api(status = Api.Status.EXPERIMENTAL, since = "0.2")
    default java.util.List<UnitChange> units(StrategyContext<S> context) {
        return java.util.List.of();
    }

    /**
     * Checks what in the profile only the two systems can tell (say, that every
     * {@link StrategyContext#nonVital()} name is a unit of one of them), before a run's first
     * step and before {@code inchworm plan} plans. The default checks nothing.
     *
     * @throws ProfileRejected naming the profile location and what is wrong
     * @since 0.3
     */
    @Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
    default void checkProfile(StrategyContext<S> context) {
    }
}
