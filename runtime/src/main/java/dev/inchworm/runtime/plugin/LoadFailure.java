package dev.inchworm.runtime.plugin;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A plugin that did not load. The others load regardless; a profile that selects an extension
 * this plugin would have supplied fails, naming it.
 *
 * @param plugin the plugin id when the manifest could be read, else the jar's file name
 * @param path   the jar
 * @param reason why, in one line
 */
public record LoadFailure(String plugin, Path path, String reason) {

    public LoadFailure {
        Objects.requireNonNull(plugin, "plugin");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return plugin + " (" + path + "): " + reason;
    }
}
