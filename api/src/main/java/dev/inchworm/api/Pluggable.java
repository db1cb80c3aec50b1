package dev.inchworm.api;

import org.pf4j.ExtensionPoint;

/**
 * What every extension point has in common: a stable id that host profiles select it by,
 * and the record type its {@code settings:} block binds to.
 *
 * <p>Ids are lower-case words joined by dashes ({@code full-rebuild}, {@code swap-file}) and
 * must be unique across all loaded plugins for the same extension point. An extension without
 * settings declares {@link NoSettings}.
 *
 * @param <S> the settings record; bound from the host profile, unknown keys rejected
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface Pluggable<S extends Record> extends ExtensionPoint {

    /** The id host profiles use to select this extension. Never changes between versions. */
    String id();

    /** The record type this extension's settings bind to. */
    Class<S> settingsType();

    /** One line for {@code inchworm plugins}: what this extension does. */
    default String description() {
        return "";
    }
}
