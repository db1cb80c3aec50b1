package dev.inchworm.runtime.engine;

import dev.inchworm.api.nix.Evaluation;
import dev.inchworm.api.nix.NixException;
import dev.inchworm.api.nix.NixOutputException;
import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.StorePath;
import dev.inchworm.api.nix.SystemSource;
import dev.inchworm.runtime.journal.InstalledRevisions;
import java.nio.file.Path;
import java.util.Optional;

/** Names the revisions the user gives ({@code --from}, {@code --to}) in the system source. */
public final class SourceRevisions {

    private SourceRevisions() {
    }

    /**
     * The revision {@code ref} names in the source.
     *
     * @param option the option that gave it, for the error
     * @throws RunRefused when the source does not know it
     */
    public static Revision resolve(SystemSource source, String ref, String option) {
        try {
            return source.resolve(ref);
        } catch (RuntimeException e) {
            throw new RunRefused(option + " " + ref + ": not a revision of the system source: " + e.getMessage(), e);
        }
    }

    /**
     * Fetches the source's remote, when it has one.
     *
     * @throws RunRefused with the source's message when the fetch fails (nothing was changed)
     */
    public static void fetch(SystemSource source) {
        try {
            source.fetch();
        } catch (RuntimeException e) {
            throw new RunRefused(e.getMessage(), e);
        }
    }

    /**
     * The revision {@code --from} names, checked rather than taken on trust: it must be the
     * target or in its history, and evaluate to the system the host runs. Inchworm records it
     * as that system's revision and steps from it, so a wrong one would walk the wrong commits.
     *
     * @throws RunRefused naming the revision and what it is not; nothing is changed
     */
    public static Revision from(SystemSource source, String ref, StorePath running, Revision to) {
        Revision from = resolve(source, ref, "--from");
        if (!source.isAncestor(from, to)) {
            throw new RunRefused("--from " + ref + ": " + from.shortId() + " is not in the history of the target "
                    + to.shortId() + "; name the revision the running system was built from; nothing was changed");
        }
        Evaluation evaluation;
        try {
            evaluation = source.evaluate(from);
        } catch (NixException e) {
            throw new RunRefused("--from " + ref + ": " + from.shortId() + " does not evaluate: "
                    + e.failure().detail() + "; nothing was changed", e);
        } catch (NixOutputException e) {
            throw e; // Nix printed what cannot be read: said as such, one line, exit 2
        } catch (RuntimeException e) {
            // the checkout itself failed (say its disk is full): not a bug, and nothing was changed
            throw new RunRefused("--from " + ref + ": " + from.shortId() + " could not be evaluated: "
                    + e.getMessage() + "; nothing was changed", e);
        }
        if (!evaluation.toplevel().equals(running)) {
            throw new RunRefused("--from " + ref + ": " + from.shortId() + " evaluates to " + evaluation.toplevel()
                    + ", not to the running system " + running + "; name the revision the running system was built "
                    + "from; nothing was changed");
        }
        return from;
    }

    /** The target: {@code --to}, else the source's default (the fetched branch tip, or HEAD). */
    public static Revision target(SystemSource source, Optional<String> to) {
        return resolve(source, to.orElseGet(source::defaultTarget), "--to");
    }

    /**
     * The current system's revision when the user did not give it: Inchworm's record of the
     * systems it installed, else what the system itself says (its {@code nixos-version} file).
     */
    public static Optional<Revision> current(SystemSource source, InstalledRevisions installed, StorePath toplevel) {
        Optional<Revision> recorded = installed.revisionOf(toplevel);
        return recorded.isPresent() ? recorded : source.revisionOf(toplevel);
    }

    /** Why the current system's revision is not known, and what to do. */
    public static String unknownCurrent(StorePath toplevel, Path stateDir) {
        return "the revision of the current system " + toplevel + " is not known: Inchworm did not install it ("
                + stateDir.resolve(InstalledRevisions.FILE_NAME) + ") and its nixos-version file names no commit "
                + "of the system source; pass --from REV";
    }
}
