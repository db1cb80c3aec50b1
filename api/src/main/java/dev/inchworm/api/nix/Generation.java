package dev.inchworm.api.nix;

import dev.inchworm.api.Api;
import java.time.Instant;
import java.util.Objects;

/**
 * A generation of the system profile ({@code /nix/var/nix/profiles/system-N-link}).
 *
 * @param number   the generation number N
 * @param created  when it was created, as {@code nix-env --list-generations} shows it
 * @param current  whether the profile points at it now
 * @param toplevel the system toplevel it links to
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public record Generation(int number, Instant created, boolean current, StorePath toplevel) {

    public Generation {
        if (number < 1) {
            throw new IllegalArgumentException("generation numbers start at 1: " + number);
        }
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(toplevel, "toplevel");
    }
}
