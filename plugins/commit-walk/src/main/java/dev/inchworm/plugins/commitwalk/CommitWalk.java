package dev.inchworm.plugins.commitwalk;

import dev.inchworm.api.ByteSize;
import dev.inchworm.api.nix.DryRun;
import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.Nix;
import dev.inchworm.api.nix.NixFailure;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.strategy.Proposal;
import dev.inchworm.api.strategy.Step;
import dev.inchworm.api.strategy.StrategyContext;
import dev.inchworm.api.strategy.UpgradeStrategy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.Extension;

/**
 * Walks the system source's first-parent commits from the current revision toward the target,
 * each step a real revision of the source, as far ahead as the estimated new bytes fit in what
 * is free (minus the engine's reserve). The farthest fitting commit is found by galloping
 * (1, 2, 4, 8 ... commits ahead) and then a binary search, because every probe is an
 * evaluation; evaluations are cached per revision for the run. Commits that do not change the
 * toplevel fit for free, so they are skipped over. When not even the next commit that changes
 * the system fits, it passes to the next strategy (package-stepping, typically). See
 * {@code docs/plugins.md}.
 */
@Extension
public final class CommitWalk implements UpgradeStrategy<CommitWalk.Settings> {

    /**
     * Settings of {@code commit-walk}.
     *
     * @param growthFactor      a rebuilt package's new size over its current size (default 1.2)
     * @param maxCommitsPerStep at most this many commits per step (default 0: as many as fit)
     * @param maxEvaluations    evaluations allowed per run; passes when they are used up
     *                          (default 64; 0: no limit)
     * @param unknownBytes      the least a derivation of a package the current system lacks
     *                          counts for, e.g. {@code 1MiB} (default {@code 64KiB}); the
     *                          median path of the current system when that is bigger
     */
    public record Settings(Double growthFactor, Integer maxCommitsPerStep, Integer maxEvaluations,
                           ByteSize unknownBytes) {
        public Settings {
            growthFactor = growthFactor == null ? 1.2 : growthFactor;
            maxCommitsPerStep = maxCommitsPerStep == null ? 0 : maxCommitsPerStep;
            maxEvaluations = maxEvaluations == null ? 64 : maxEvaluations;
            unknownBytes = unknownBytes == null ? ByteSize.of("64KiB") : unknownBytes;
            if (growthFactor <= 0 || growthFactor.isNaN() || growthFactor.isInfinite()) {
                throw new IllegalArgumentException("growthFactor must be a positive number, not " + growthFactor);
            }
            if (maxCommitsPerStep < 0) {
                throw new IllegalArgumentException("maxCommitsPerStep must be 0 (no limit) or more, not "
                        + maxCommitsPerStep);
            }
            if (maxEvaluations < 0) {
                throw new IllegalArgumentException("maxEvaluations must be 0 (no limit) or more, not " + maxEvaluations);
            }
        }

        /** The defaults. */
        public static Settings defaults() {
            return new Settings(null, null, null, null);
        }

        /** {@link #unknownBytes} in bytes. */
        public long unknownByteCount() {
            return unknownBytes.bytes();
        }
    }

    /** Note: the most commits a step may take, after a step ran out of disk. */
    static final String CAP = "maxCommits";

    /** Evaluations by revision, for the life of this extension (one process). */
    private final Map<Revision, Evaluation> evaluated = new ConcurrentHashMap<>();

    @Override
    public String id() {
        return "commit-walk";
    }

    @Override
    public Class<Settings> settingsType() {
        return Settings.class;
    }

    @Override
    public String description() {
        return "walk the source's first-parent commits, as many at a time as fit; every step a real revision";
    }

    @Override
    public Proposal propose(StrategyContext<Settings> context) {
        Optional<Revision> from = context.current().revision();
        if (from.isEmpty()) {
            return Proposal.pass("commit-walk needs the current revision: run once with --from REV (the system "
                    + context.current().toplevel().name() + " was not installed by Inchworm from a known revision)");
        }
        Evaluations evaluations = new Evaluations(evaluated, context.state(), context.host().source(),
                context.host().nix(), context.settings().maxEvaluations());
        if (evaluations.exhausted()) {
            return Proposal.pass("the run used its " + context.settings().maxEvaluations()
                    + " evaluations (maxEvaluations); each costs about 1 GB of memory and tens of seconds");
        }
        Evaluation target = context.target();
        evaluations.know(target);
        List<Revision> commits = context.host().source().firstParentCommits(from.get(), target.revision());
        if (commits.isEmpty() || !commits.get(commits.size() - 1).equals(target.revision())) {
            return Proposal.pass("the target " + target.revision().shortId() + " is not ahead of the current revision "
                    + from.get().shortId() + " on the first-parent line");
        }
        return new Walk(context, commits, evaluations).next();
    }

    @Override
    public Proposal afterFailure(StrategyContext<Settings> context, Step failed, NixFailure failure) {
        if (!(failure instanceof NixFailure.OutOfDisk)) {
            String why = failure instanceof NixFailure.OutOfMemory ? "it ran out of memory"
                    : "it failed (" + failure.detail().lines().reduce((a, b) -> b).orElse("") + ")";
            return Proposal.pass("step '" + failed.description() + "': " + why);
        }
        Optional<Revision> from = context.current().revision();
        Optional<Revision> failedAt = failed.revision();
        if (from.isEmpty() || failedAt.isEmpty()) {
            return Proposal.pass("step '" + failed.description() + "' ran out of disk, and its distance is unknown");
        }
        int distance = context.host().source().firstParentCommits(from.get(), context.target().revision())
                .indexOf(failedAt.get()) + 1;
        if (distance <= 1) {
            return Proposal.pass("step '" + failed.description() + "' ran out of disk with a single commit "
                    + failedAt.get().shortId() + " (estimated " + ByteSize.format(failed.estimatedBytes()) + " + "
                    + ByteSize.format(context.reserveBytes()) + " reserve; " + ByteSize.format(context.storage().store().freeBytes())
                    + " free now)");
        }
        int cap = distance / 2;
        context.state().put(CAP, Integer.toString(cap));
        context.host().log().info("commit-walk: step '{}' ran out of disk: at most {} commits per step from now on",
                failed.description(), cap);
        Proposal next = propose(context);
        if (next instanceof Proposal.Next n && n.step().toplevel().equals(failed.toplevel())) {
            return Proposal.pass("step '" + failed.description() + "' ran out of disk, and no shorter walk changes "
                    + "the system");
        }
        return next;
    }

    /** One search for the next step, from where the host is now. */
    private static final class Walk {
        private final StrategyContext<Settings> context;
        private final List<Revision> commits;
        private final Evaluations evaluations;
        private final Nix nix;
        private final StorePath current;
        private final NewBytes newBytes;
        private final long free;
        private final Map<Integer, Long> need = new HashMap<>();
        private final Map<Integer, DryRun> dryRuns = new HashMap<>();

        Walk(StrategyContext<Settings> context, List<Revision> commits, Evaluations evaluations) {
            this.context = context;
            this.commits = commits;
            this.evaluations = evaluations;
            this.nix = context.host().nix();
            this.current = context.current().toplevel();
            Settings settings = context.settings();
            this.newBytes = NewBytes.of(nix, current, settings.growthFactor(), settings.unknownByteCount());
            this.free = context.storage().store().freeBytes();
        }

        Proposal next() {
            int last = commits.size() - 1;
            int limit = limit();
            for (int from = 0; from <= last; ) {
                int to = limit == 0 ? last : (int) Math.min(last, (long) from + limit - 1);
                Gallop gallop = new Gallop(from, to, this::fits);
                String exhausted = null;
                try {
                    gallop.search(to == last);
                } catch (Evaluations.Exhausted e) {
                    exhausted = e.getMessage();
                }
                int best = gallop.lastFit();
                if (best >= from && !toplevel(best).equals(current)) {
                    return step(best);
                }
                if (exhausted != null) {
                    return Proposal.pass(exhausted + " before a commit that changes the system was found to fit");
                }
                if (gallop.firstMiss() <= to) {
                    return tooBig(gallop.firstMiss());
                }
                // Up to the window's end nothing changes the system: look past it.
                from = to + 1;
            }
            return Proposal.pass("no commit up to the target changes the system");
        }

        private int limit() {
            int settings = context.settings().maxCommitsPerStep();
            int cap = context.state().get(CAP).map(Integer::parseInt).orElse(0);
            return settings == 0 ? cap : cap == 0 ? settings : Math.min(settings, cap);
        }

        private boolean fits(int index) {
            Evaluation evaluation = evaluations.of(commits.get(index));
            if (evaluation.toplevel().equals(current)) {
                need.put(index, 0L);
                return true;
            }
            DryRun dryRun = nix.dryRun(evaluation.drv());
            dryRuns.put(index, dryRun);
            long bytes = newBytes.of(dryRun);
            need.put(index, bytes);
            return bytes + context.reserveBytes() <= free;
        }

        private StorePath toplevel(int index) {
            return evaluations.of(commits.get(index)).toplevel();
        }

        private Proposal step(int index) {
            Revision revision = commits.get(index);
            Evaluation evaluation = evaluations.of(revision);
            int ahead = index + 1;
            String description = "walk to " + revision.shortId() + " (" + ahead + (ahead == 1 ? " commit" : " commits")
                    + ", " + evaluations.fresh() + (evaluations.fresh() == 1 ? " evaluation" : " evaluations") + ")";
            context.host().log().info("commit-walk: {} of {} commits to the target; estimated {} of {} free; "
                    + "{} evaluations in this run", description, commits.size(), ByteSize.format(need.get(index)), ByteSize.format(free),
                    evaluations.count());
            return Proposal.next(new Step(description, evaluation.drv(), evaluation.toplevel(), need.get(index),
                    NewBytes.units(dryRuns.get(index)), Optional.of(revision)));
        }

        /** Not even the next commit that changes the system fits. */
        private Proposal tooBig(int index) {
            Revision revision = commits.get(index);
            long bytes = need.get(index);
            if (!context.hasFallback()) {
                // Nothing to hand over to: try it; the engine reclaims first, and a failure ends the walk.
                context.host().log().info("commit-walk: the next commit {} needs about {} with the reserve, {} are "
                        + "free; trying it as the last strategy", revision.shortId(),
                        ByteSize.format(bytes + context.reserveBytes()), ByteSize.format(free));
                return step(index);
            }
            return Proposal.pass("the next commit that changes the system, " + revision.shortId() + " (" + (index + 1)
                    + " ahead), needs about " + ByteSize.format(bytes) + " + " + ByteSize.format(context.reserveBytes()) + " reserve, but "
                    + ByteSize.format(free) + " are free");
        }
    }
}
