package dev.inchworm.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A plugin chosen by id, with its raw {@code settings:} node. The node is bound to the
 * plugin's settings record once the plugin is loaded (its type lives in the plugin).
 *
 * @param id       the extension's id
 * @param settings the settings node, an empty object when absent
 * @param location where the selection stands in the profile, for error messages
 */
public record Selection(String id, JsonNode settings, SourceLocation location) {

    public Selection {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(location, "location");
    }
}
