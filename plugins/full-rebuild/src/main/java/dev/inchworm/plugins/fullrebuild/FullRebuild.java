package dev.inchworm.plugins.fullrebuild;

import dev.inchworm.api.NoSettings;
import dev.inchworm.api.estimate.FootprintEstimate;
import dev.inchworm.api.estimate.StoreEstimator;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.UpgradeStrategy;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * The whole target in one step, as {@code nixos-rebuild} does it: realise the target's
 * toplevel derivation. The simplest strategy, and the last resort of a chain.
 *
 * <p><b>Estimate.</b> The shared estimator's figure for the target's derivation
 * ({@link dev.inchworm.api.estimate.StoreEstimator}, docs/estimates.md): what Nix would fetch
 * (narinfo sizes), what it would build (each sized from a cache, what this host learned, the
 * old counterpart or the median path), and Nix's own growth per path. Old and new coexist
 * during the build, so nothing is subtracted for what the upgrade will later free.
 *
 * <p>Passes up front, with the reason, when a later strategy exists and the estimate plus the
 * engine's reserve clearly does not fit: more than is free plus what a garbage collection
 * would free now. Passes when its step failed (it cannot make a smaller one).
 */
@Extension
public final class FullRebuild implements UpgradeStrategy<NoSettings> {

    @Override
    public String id() {
        return "full-rebuild";
    }

    @Override
    public Class<NoSettings> settingsType() {
        return NoSettings.class;
    }

    @Override
    public String description() {
        return "the whole target in one step, as nixos-rebuild does";
    }

    @Override
    public Proposal propose(StrategyContext<NoSettings> context) {
        StorePath target = context.target().toplevel();
        for (StepResult earlier : context.history()) {
            if (earlier.step().toplevel().equals(target) && earlier.outcome() != StepResult.Outcome.DONE) {
                return Proposal.pass("the whole upgrade already failed in this run (" + earlier.outcome()
                        .name().toLowerCase(Locale.ROOT).replace('_', '-') + ")");
            }
        }
        Nix nix = context.host().nix();
        FootprintEstimate estimate = context.estimator().estimate(context.target().drv());
        long free = context.storage().store().freeBytes();
        if (context.hasFallback()) {
            long garbage = garbageBytes(nix);
            if (estimate.bytes() + context.reserveBytes() > free + garbage) {
                return Proposal.pass("the whole upgrade needs about " + mib(estimate.bytes()) + " + "
                        + mib(context.reserveBytes()) + " reserve, but only " + mib(free) + " are free and "
                        + mib(garbage) + " would be collected");
            }
        }
        String description = "full rebuild to " + context.target().revision().shortId() + ": "
                + estimate.toBuild() + " to build, " + estimate.toFetch() + " to fetch";
        return Proposal.next(new Step(description, context.target().drv(), target, estimate.bytes(),
                estimate.units(), Optional.of(context.target().revision()), estimate.terms()));
    }

    @Override
    public Proposal afterFailure(StrategyContext<NoSettings> context, Step failed, NixFailure failure) {
        String why = failure instanceof NixFailure.OutOfDisk ? "it ran out of disk"
                : failure instanceof NixFailure.OutOfMemory ? "it ran out of memory"
                : "it failed (" + failure.detail().lines().reduce((a, b) -> b).orElse("") + ")";
        return Proposal.pass("the whole upgrade cannot be split: " + why);
    }

    /** {@code firefox-127.0-dev} -> {@code firefox}; a name without a version is its own. */
    static String packageName(String name) {
        return StoreEstimator.packageName(name);
    }

    private static long garbageBytes(Nix nix) {
        List<StorePath> dead = nix.deadPaths().stream().filter(p -> !p.isDerivation()).toList();
        return dead.isEmpty() ? 0 : nix.pathInfo(dead).stream().mapToLong(PathInfo::narSize).sum();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
