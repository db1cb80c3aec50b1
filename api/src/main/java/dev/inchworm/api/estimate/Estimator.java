package dev.inchworm.api.estimate;

import dev.inchworm.api.Api;
import dev.inchworm.api.nix.StorePath;
import java.util.OptionalLong;

/**
 * The one estimator every strategy and the engine share (in the strategy context), so that
 * two strategies proposing the same work give it the same figure.
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public interface Estimator {

    /** What realising {@code drv} (and what it needs that the store lacks) adds at its peak. */
    FootprintEstimate estimate(StorePath drv);

    /**
     * After a step that realised {@code drv} was built: keeps each built unit's real output
     * size and its share of the measured peak, for later estimates (this run and later runs).
     * Knows only derivations it estimated in this process; others are ignored.
     *
     * @param peakGrowthBytes how much the store grew at the build's peak (sampled)
     */
    void learn(StorePath drv, long peakGrowthBytes);

    /**
     * What a step that built this unit (a package name, versions stripped) measured of it at
     * its peak, when this host built it before: its outputs, sources, intermediate outputs and
     * Nix's growth together. For strategies that size units themselves (package-stepping's
     * planner) so that they learn what the shared estimator learned.
     */
    default OptionalLong learnedPeak(String unit) {
        return OptionalLong.empty();
    }
}
