package dev.inchworm.api.nix;

import dev.inchworm.api.Api;
import java.util.regex.Pattern;

/**
 * A revision of the system source: a full git commit id.
 *
 * @param commit 40 lower-case hex digits
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record Revision(String commit) {

    private static final Pattern SHA1 = Pattern.compile("[0-9a-f]{40}");

    public Revision {
        if (commit == null || !SHA1.matcher(commit).matches()) {
            throw new IllegalArgumentException("not a full git commit id: '" + commit + "'");
        }
    }

    /** The first 12 digits, for messages. */
    public String shortId() {
        return commit.substring(0, 12);
    }

    @Override
    public String toString() {
        return commit;
    }
}
