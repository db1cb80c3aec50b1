package dev.inchworm.runtime.engine;

import dev.inchworm.api.nix.Revision;
import dev.inchworm.api.nix.SystemSource;

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
}
