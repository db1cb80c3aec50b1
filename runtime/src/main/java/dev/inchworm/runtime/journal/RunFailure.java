package dev.inchworm.runtime.journal;

import java.util.Objects;

/**
 * Why a run did not reach its target.
 *
 * @param reason      in words, for the report and the terminal
 * @param neededBytes the store bytes the failing step needed: its estimate plus the reserve, or,
 *                    when it ran out of disk below that, one more than was free (a lower bound);
 *                    null when irrelevant
 * @param freeBytes   the store bytes free when it started, null when irrelevant
 */
public record RunFailure(String reason, Long neededBytes, Long freeBytes) {

    public RunFailure {
        Objects.requireNonNull(reason, "reason");
    }

    public static RunFailure of(String reason) {
        return new RunFailure(reason, null, null);
    }
}
