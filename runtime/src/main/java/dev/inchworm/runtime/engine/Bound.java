package dev.inchworm.runtime.engine;

import dev.inchworm.api.Pluggable;
import java.util.Objects;

/**
 * An extension the host profile selected, with its settings already bound to its settings
 * record.
 *
 * @param extension the extension
 * @param settings  its settings, an instance of {@code extension.settingsType()}
 * @param <E>       the extension point
 */
public record Bound<E extends Pluggable<?>>(E extension, Record settings) {

    public Bound {
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(settings, "settings");
        if (!extension.settingsType().isInstance(settings)) {
            throw new IllegalArgumentException("settings of '" + extension.id() + "' must be "
                    + extension.settingsType().getName() + ", not " + settings.getClass().getName());
        }
    }

    /** The extension's id. */
    public String id() {
        return extension.id();
    }
}
