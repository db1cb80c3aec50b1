package dev.inchworm.runtime.plugin;

import dev.inchworm.runtime.config.Selection;
import java.util.Objects;

/**
 * An extension a profile selected, with its settings bound to the extension's record.
 *
 * @param extension the registered extension
 * @param settings  the bound settings, an instance of {@code extension.settingsType()}
 * @param selection the selection in the profile (id, raw settings, location)
 * @param keyPath   where it stands in the profile, e.g. {@code reclaimers[1]}
 */
public record Selected(RegisteredExtension extension, Record settings, Selection selection, String keyPath) {

    public Selected {
        Objects.requireNonNull(extension, "extension");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(selection, "selection");
        Objects.requireNonNull(keyPath, "keyPath");
        if (!extension.settingsType().isInstance(settings)) {
            throw new IllegalArgumentException("settings of " + extension.id() + " are not a "
                    + extension.settingsType().getName());
        }
    }

    /** The extension instance as its extension point type, e.g. {@code StorageProbe.class}. */
    public <E> E as(Class<E> type) {
        return type.cast(extension.instance());
    }

    /** The extension's id. */
    public String id() {
        return extension.id();
    }
}
