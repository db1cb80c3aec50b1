package dev.inchworm.runtime.engine;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@code inchworm upgrade} was asked.
 *
 * @param to   the target ref ({@code --to}); empty for the repository's HEAD
 * @param from the current system's revision ({@code --from}); empty to use the one Inchworm
 *             recorded when it installed the current system
 */
public record UpgradeRequest(Optional<String> to, Optional<String> from) {

    public UpgradeRequest {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(from, "from");
    }

    /** Upgrade to HEAD from the recorded revision. */
    public static UpgradeRequest toHead() {
        return new UpgradeRequest(Optional.empty(), Optional.empty());
    }
}
