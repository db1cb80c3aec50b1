package dev.inchworm.runtime.engine;

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
