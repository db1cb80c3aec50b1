package dev.inchworm.runtime.engine;

import dev.inchworm.api.Pluggable;
import java.util.Objects;

/**
 * An extension the host profile selected, with its settings bound to its own settings record:
 * made once, by {@link Extensions#bind}, and handed as it is to {@link ExtensionCalls}.
 *
 * @param extension the extension, e.g. an {@code UpgradeStrategy<S>}
 * @param settings  its settings
 * @param <E>       the extension's type
 * @param <S>       its settings record
 */
public record Bound<E extends Pluggable<S>, S extends Record>(E extension, S settings) {

    public Bound {
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(settings, "settings");
        if (!extension.settingsType().isInstance(settings)) {
            // Only reachable through a raw type: the compiler holds S to the extension's type.
            throw new IllegalArgumentException("settings of '" + extension.id() + "' must be "
                    + extension.settingsType().getName() + ", not " + settings.getClass().getName());
        }
    }

    /**
     * Binds {@code settings} (as read from the profile) to the extension's record.
     *
     * @throws IllegalArgumentException when they are not an instance of its settings type
     */
    public static <E extends Pluggable<S>, S extends Record> Bound<E, S> of(E extension, Record settings) {
        Class<S> type = extension.settingsType();
        if (!type.isInstance(settings)) {
            throw new IllegalArgumentException("settings of '" + extension.id() + "' must be " + type.getName()
                    + ", not " + settings.getClass().getName());
        }
        return new Bound<>(extension, type.cast(settings));
    }

    /** The extension's id. */
    public String id() {
        return extension.id();
    }

    /**
     * The extension as a {@code Pluggable} of its settings type: what {@link ExtensionCalls}
     * narrows to the extension point (a checked cast, since {@code E extends Pluggable<S>}).
     */
    Pluggable<S> pluggable() {
        return extension;
    }
}
