package dev.inchworm.plugins.fullrebuild;

import dev.inchworm.api.NoSettings;
import dev.inchworm.api.nix.DryRun;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.PathInfo;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StepResult;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.UpgradeStrategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * The whole target in one step, as {@code nixos-rebuild} does it: realise the target's
 * toplevel derivation. The simplest strategy, and the last resort of a chain.
 *
 * <p><b>Estimate.</b> What the build adds at its peak: the unpacked size of what Nix would
 * fetch (when it says), plus, for each derivation it would build, the size of what that
 * package takes in the current system now (all paths of the current closure with the same
 * package name, versions stripped: a new {@code firefox-128.0} is about the size of the old
 * {@code firefox-127.0} and its outputs); a package the current system does not have counts
 * as the median path of the current closure. Old and new coexist during the build, so
 * nothing is subtracted for what the upgrade will later free.
 *
 * <p>Passes up front, with the reason, when a later strategy exists and the estimate plus the
 * engine's reserve clearly does not fit: more than is free plus what a garbage collection
 * would free now. Passes when its step failed (it cannot make a smaller one).
 */
@Extension
public final class FullRebuild implements UpgradeStrategy<NoSettings> {

    // name-1.2.3[-output]: the package name is what comes before the first "-<digit>".
    private static final Pattern VERSION = Pattern.compile("-[0-9]");

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
        DryRun dryRun = nix.dryRun(context.target().drv());
        Estimate estimate = estimate(nix, context.current().toplevel(), dryRun);
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
                + dryRun.toBuild().size() + " to build, " + dryRun.toFetch().size() + " to fetch";
        return Proposal.next(new Step(description, context.target().drv(), target, estimate.bytes(),
                estimate.units(), Optional.of(context.target().revision())));
    }

    @Override
    public Proposal afterFailure(StrategyContext<NoSettings> context, Step failed, NixFailure failure) {
        String why = failure instanceof NixFailure.OutOfDisk ? "it ran out of disk"
                : failure instanceof NixFailure.OutOfMemory ? "it ran out of memory"
                : "it failed (" + failure.detail().lines().reduce((a, b) -> b).orElse("") + ")";
        return Proposal.pass("the whole upgrade cannot be split: " + why);
    }

    /**
     * The estimate of a step, see the class comment.
     *
     * @param bytes what the build adds at its peak
     * @param units the package names it builds
     */
    record Estimate(long bytes, List<String> units) {
    }

    static Estimate estimate(Nix nix, StorePath current, DryRun dryRun) {
        List<PathInfo> closure = nix.pathInfo(nix.closure(current, false));
        Map<String, Long> byPackage = new HashMap<>();
        List<Long> sizes = new ArrayList<>();
        for (PathInfo info : closure) {
            byPackage.merge(packageName(info.path().name()), info.narSize(), Long::sum);
            sizes.add(info.narSize());
        }
        sizes.sort(null);
        long median = sizes.isEmpty() ? 0 : sizes.get(sizes.size() / 2);
        long bytes = dryRun.unpackedBytes().orElse(0);
        Set<String> units = new LinkedHashSet<>();
        for (StorePath drv : dryRun.toBuild()) {
            String name = packageName(drv.name().substring(0, drv.name().length() - ".drv".length()));
            bytes += byPackage.getOrDefault(name, median);
            units.add(name);
        }
        return new Estimate(bytes, List.copyOf(units));
    }

    /** {@code firefox-127.0-dev} -> {@code firefox}; a name without a version is its own. */
    static String packageName(String name) {
        Matcher m = VERSION.matcher(name);
        return m.find() ? name.substring(0, m.start()) : name;
    }

    private static long garbageBytes(Nix nix) {
        List<StorePath> dead = nix.deadPaths().stream().filter(p -> !p.isDerivation()).toList();
        return dead.isEmpty() ? 0 : nix.pathInfo(dead).stream().mapToLong(PathInfo::narSize).sum();
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
