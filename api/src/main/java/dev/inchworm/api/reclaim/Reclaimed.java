package dev.inchworm.api.reclaim;

import dev.inchworm.api.Api;
import java.util.Objects;

/**
 * What a reclaimer freed.
 *
 * @param freedBytes bytes freed on the store's file system (measured, or as the tool reported)
 * @param summary    one line for the report ("deleted 3 generations", "vacuumed 40 MiB of journal")
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record Reclaimed(long freedBytes, String summary) {

    public Reclaimed {
        if (freedBytes < 0) {
            throw new IllegalArgumentException("freed bytes cannot be negative: " + freedBytes);
        }
        Objects.requireNonNull(summary, "summary");
    }

    public static Reclaimed nothing(String why) {
        return new Reclaimed(0, why);
    }
}
