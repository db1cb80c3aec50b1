package dev.inchworm.api.strategy;

import dev.inchworm.api.Api;
import dev.inchworm.api.Context;
import dev.inchworm.api.estimate.Estimator;
import dev.inchworm.api.estimate.StoreEstimator;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.storage.StorageReport;
import java.util.List;

/** What an {@link UpgradeStrategy} is told when asked for a step. */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface StrategyContext<S extends Record> extends Context<S> {

    /** Where the host is now (after the steps done so far). */
    SystemState current();

    /** Where the run is going: the target revision, its toplevel derivation and path. */
    Evaluation target();

    /** The steps of this run so far, oldest first, including failed ones. */
    List<StepResult> history();

    /** Storage now. */
    StorageReport storage();

    /**
     * Bytes the engine keeps free on top of a step's estimate (the profile's reserve plus
     * Nix's own transient overhead); a step fits when estimate + reserve &lt;= free.
     */
    long reserveBytes();

    /** True when a later strategy exists in the profile's chain to pass to. */
    boolean hasFallback();

    /**
     * True when the engine keeps the run's initial generation (and so its closure) until the
     * target is reached; false when it deletes it once the first step is switched, so a step
     * plan may count the initial system's old versions as freed. Defaults to true.
     *
     * @since 0.2
     */
    default boolean keepsInitialGeneration() {
        return true;
    }

    /**
     * The estimator every strategy shares: the engine's, which keeps what finished steps
     * measured on this host for later runs. The default is a fresh one over this context's
     * host and plugin state (for tests and tools that build a context of their own).
     *
     * @since 0.3
     */
    default Estimator estimator() {
        return new StoreEstimator(host().nix(), current().toplevel(), state());
    }

    /**
     * The units the profile tags as non-vital ({@code nonVital:}), in profile order; empty by
     * default.
     *
     * @since 0.3
     */
    @dev.inchworm.api.Api(status = dev.inchworm.api.Api.Status.EXPERIMENTAL, since = "0.3")
    default List<NonVital> nonVital() {
        return List.of();
    }
}
