package dev.inchworm.runtime.journal;

import java.util.Objects;

/**
 * What one reclaimer freed before a step.
 *
 * @param reclaimer  the reclaimer's id
 * @param freedBytes what it said it freed
 * @param summary    its one-line summary
 */
public record ReclaimNote(String reclaimer, long freedBytes, String summary) {

    public ReclaimNote {
        Objects.requireNonNull(reclaimer, "reclaimer");
        Objects.requireNonNull(summary, "summary");
    }
}
