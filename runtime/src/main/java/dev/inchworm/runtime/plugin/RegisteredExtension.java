package dev.inchworm.runtime.plugin;

import dev.inchworm.api.Pluggable;
import java.util.Objects;

/**
 * One extension of the registry: the single instance the runtime uses for the whole command.
 *
 * @param kind     its extension point
 * @param id       its id (unique within the point)
 * @param instance the instance, made once when the registry was built
 * @param plugin   the plugin that supplies it
 */
public record RegisteredExtension(ExtensionKind kind, String id, Pluggable<?> instance, PluginInfo plugin) {

    public RegisteredExtension {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(plugin, "plugin");
    }

    /** The record type its settings bind to. */
    public Class<? extends Record> settingsType() {
        return instance.settingsType();
    }

    /** The extension's one-line description. */
    public String description() {
        return instance.description();
    }
}
