package dev.inchworm.api.strategy;

import dev.inchworm.api.Api;
import java.util.Objects;

/**
 * A unit the host profile tags as non-vital ({@code nonVital:}): the host can run without it
 * for a while, so a strategy may remove it from intermediate systems to make room and add it
 * back, upgraded, before the target.
 *
 * @param name     the unit's name as {@code inchworm plan} shows units (without version)
 * @param location where the name stands in the profile ({@code file:line:col}), for errors
 * @since 0.3
 */
@Api(status = Api.Status.EXPERIMENTAL, since = "0.3")
public record NonVital(String name, String location) {

    public NonVital {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a non-vital unit needs a name");
        }
    }
}
