package dev.inchworm.runtime.plugin;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A loaded plugin as its manifest describes it.
 *
 * @param id          {@code Plugin-Id}
 * @param version     {@code Plugin-Version}
 * @param requires    {@code Plugin-Requires}: the api versions it works with
 * @param description {@code Plugin-Description}, may be empty
 * @param path        the jar it was loaded from
 */
public record PluginInfo(String id, String version, String requires, String description, Path path) {

    public PluginInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(version, "version");
        requires = requires == null ? "" : requires;
        description = description == null ? "" : description;
        Objects.requireNonNull(path, "path");
    }

    /** {@code statvfs 0.1.0}. */
    public String label() {
        return id + " " + version;
    }
}
