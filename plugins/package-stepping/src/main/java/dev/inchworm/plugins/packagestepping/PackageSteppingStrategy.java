package dev.inchworm.plugins.packagestepping;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.UpgradeStrategy;
import dev.inchworm.api.strategy.UnitChange;
import java.util.List;
import org.pf4j.Extension;

/**
 * Upgrades one package (unit) or one batch of units at a time by masking derivations: each
 * step builds the target's aggregator layer with the units not upgraded yet pointing at their
 * old derivations, so only what a plain rebuild would build is built, and the last step is the
 * target itself. See {@code docs/package-stepping.md}.
 */
@Extension
public final class PackageSteppingStrategy implements UpgradeStrategy<PackageSteppingStrategy.Settings> {

    /**
     * Settings of {@code package-stepping}.
     *
     * @param growthFactor    new size of a rebuilt output over its old size, when no binary
     *                        cache tells (default 1.1); replaced by what finished steps measured
     * @param maxSteps        pass when the plan takes more steps than this (default 50)
     * @param batchSize       at most this many bytes added per step, e.g. {@code 512MiB}
     *                        (default {@code 0}: as much as fits)
     * @param maxUnitsPerStep at most this many units per step (default 0: as many as fit)
     */
    public record Settings(Double growthFactor, Integer maxSteps, ByteSize batchSize, Integer maxUnitsPerStep) {
        public Settings {
            growthFactor = growthFactor == null ? 1.1 : growthFactor;
            maxSteps = maxSteps == null ? 50 : maxSteps;
            batchSize = batchSize == null ? ByteSize.ofBytes(0) : batchSize;
            maxUnitsPerStep = maxUnitsPerStep == null ? 0 : maxUnitsPerStep;
            if (growthFactor <= 0 || growthFactor.isNaN() || growthFactor.isInfinite()) {
                throw new IllegalArgumentException("growthFactor must be a positive number, not " + growthFactor);
            }
            if (maxSteps < 1) {
                throw new IllegalArgumentException("maxSteps must be at least 1, not " + maxSteps);
            }
            if (maxUnitsPerStep < 0) {
                throw new IllegalArgumentException("maxUnitsPerStep must be 0 (no limit) or more, not " + maxUnitsPerStep);
            }
        }

        /** The defaults. */
        public static Settings defaults() {
            return new Settings(null, null, null, null);
        }

        /** {@link #batchSize} in bytes. */
        public long batchBytes() {
            return batchSize.bytes();
        }
    }

    @Override
    public String id() {
        return "package-stepping";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public String description() {
        return "one package (unit) or batch at a time, by masking derivations; ends on the target itself";
    }

    @Override
    public Proposal propose(StrategyContext<Settings> context) {
        try {
            if (!context.host().nix().isValid(context.current().toplevel())) {
                return StepProposer.planned(context);
            }
            return StepProposer.next(UpgradeAnalysis.forProposal(context));
        } catch (Refused e) {
            return Proposal.pass(e.getMessage());
        }
    }

    /** {@inheritDoc} Reads the store only: no derivation is added. */
    @Override
    public List<UnitChange> units(StrategyContext<Settings> context) {
        try {
            return UpgradeAnalysis.forUnits(context).changes();
        } catch (Refused e) {
            return List.of();
        }
    }

    @Override
    public Proposal afterFailure(StrategyContext<Settings> context, Step failed, NixFailure failure) {
        if (!(failure instanceof NixFailure.OutOfDisk)) {
            return Proposal.pass("step '" + failed.description() + "' failed: " + failure.detail());
        }
        if (failed.units().size() <= 1) {
            long free = context.storage().store().freeBytes();
            long need = failed.estimatedBytes() + context.reserveBytes();
            long disk = context.storage().store().totalBytes();
            return Proposal.pass("step '" + failed.description() + "' ran out of disk with a single unit "
                    + failed.units() + ": estimated " + ByteSize.format(need) + " needed (with the reserve), "
                    + ByteSize.format(free) + " free now; a disk of about "
                    + ByteSize.format(disk + Math.max(0, need - free)) + " or more would do, or free space first");
        }
        int smaller = Math.max(1, failed.units().size() / 2);
        new SteppingState(context.state()).limitUnits(smaller);
        context.host().log().info("step '{}' ran out of disk: splitting to at most {} units per step",
                failed.description(), smaller);
        return propose(context);
    }
}
