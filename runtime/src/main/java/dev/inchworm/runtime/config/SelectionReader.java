package dev.inchworm.runtime.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * What the profile picks: its plugin selections ({@code strategies}, {@code probe},
 * {@code rollback}, {@code reclaimers}, {@code provisioners}: an id, or {@code {id, settings}})
 * and its non-vital units, each kept with where it stands in the file. Ids and settings are checked against the loaded plugins later
 * ({@link SettingsBinder}); here a selection only has to be well-formed.
 */
final class SelectionReader {

    private final ProfileLocations locations;

    SelectionReader(ProfileLocations locations) {
        this.locations = locations;
    }

    /** A list of selections under {@code key}, or {@code defaults} when absent. */
    List<Selection> list(JsonNode node, String key, List<Selection> defaults) {
        String pointer = "/" + key;
        if (node == null || node.isNull()) {
            return defaults;
        }
        if (!node.isArray()) {
            throw new ProfileException(locations.at(pointer), key, "wrong type: expected a list of plugin "
                    + "selections, e.g. [{id: gc}], found " + ProfileErrors.describe(node));
        }
        List<Selection> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            Selection s = one(node.get(i), key + "[" + i + "]", pointer + "/" + i, null);
            if (!seen.add(s.id())) {
                throw new ProfileException(s.location(), key + "[" + i + "]",
                        "'" + s.id() + "' is selected twice in " + key);
            }
            result.add(s);
        }
        return List.copyOf(result);
    }

    /** One selection under {@code key}, or {@code fallback} when absent (null: required). */
    Selection one(JsonNode node, String key, String pointer, Selection fallback) {
        SourceLocation where = locations.at(pointer);
        if (node == null || node.isNull()) {
            if (fallback != null) {
                return fallback;
            }
            throw new ProfileException(where, key, "value is missing; expected a plugin selection {id: ..., settings: {...}}");
        }
        if (node.isTextual()) {
            return new Selection(nonBlankId(node.asText(), key, where), JsonNodeFactory.instance.objectNode(), where);
        }
        if (!node.isObject()) {
            throw new ProfileException(where, key, "wrong type: expected a plugin selection: an id, or a "
                    + "mapping {id: ..., settings: {...}}; found " + ProfileErrors.describe(node));
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("id") && !name.equals("settings")) {
                throw new ProfileException(locations.at(pointer + "/" + ProfileErrors.escape(name)), key + "." + name,
                        "unknown key '" + name + "'; allowed keys: id, settings");
            }
        }
        JsonNode id = node.get("id");
        if (id == null || id.isNull()) {
            throw new ProfileException(where, key + ".id", "required key is missing: the plugin's id");
        }
        SourceLocation idWhere = locations.at(pointer + "/id");
        if (!id.isTextual()) {
            throw new ProfileException(idWhere, key + ".id", "wrong type: expected a string, found " + ProfileErrors.describe(id));
        }
        JsonNode settings = node.get("settings");
        if (settings == null || settings.isNull()) {
            settings = JsonNodeFactory.instance.objectNode();
        } else if (!settings.isObject()) {
            throw new ProfileException(locations.at(pointer + "/settings"), key + ".settings",
                    "wrong type: expected a mapping (key: value), found " + ProfileErrors.describe(settings));
        }
        return new Selection(nonBlankId(id.asText(), key + ".id", idWhere), settings.deepCopy(), idWhere);
    }

    private String nonBlankId(String id, String key, SourceLocation where) {
        if (id.isBlank()) {
            throw new ProfileException(where, key, "a plugin id must not be empty");
        }
        return id;
    }

    /** A selection the profile did not write: the id alone, no settings. */
    Selection byDefault(String id) {
        return new Selection(id, JsonNodeFactory.instance.objectNode(), locations.at(""));
    }

    /**
     * {@code nonVital}: unit names, each kept with where it stands. Whether a name is a unit
     * is only known once both systems are read: the strategies check that
     * ({@code UpgradeStrategy.checkProfile}) before the first step and before a plan.
     */
    List<dev.inchworm.api.strategy.NonVital> nonVital(JsonNode node) {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new ProfileException(locations.at("/nonVital"), "nonVital",
                    "wrong type: expected a list of unit names, e.g. [texlive, gimp], found " + ProfileErrors.describe(node));
        }
        List<dev.inchworm.api.strategy.NonVital> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode name = node.get(i);
            SourceLocation where = locations.at("/nonVital/" + i);
            String key = "nonVital[" + i + "]";
            if (!name.isTextual() || name.asText().isBlank()) {
                throw new ProfileException(where, key, "expected a unit name as inchworm plan shows units, found "
                        + ProfileErrors.describe(name));
            }
            if (!seen.add(name.asText())) {
                throw new ProfileException(where, key, "'" + name.asText() + "' is listed twice");
            }
            names.add(new dev.inchworm.api.strategy.NonVital(name.asText(), where.toString()));
        }
        return List.copyOf(names);
    }
}
