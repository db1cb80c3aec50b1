package dev.inchworm.runtime.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The profile reader's error messages: where in the file, under which key path, what was found
 * and what is allowed. Shared with {@link SettingsBinder} for plugin settings.
 */
final class ProfileErrors {

    private ProfileErrors() {
    }

    static ProfileException syntaxError(Path file, JsonProcessingException e) {
        var loc = e.getLocation();
        SourceLocation where = loc == null || loc.getLineNr() <= 0
                ? new SourceLocation(file, 0, 0)
                : new SourceLocation(file, loc.getLineNr(), Math.max(1, loc.getColumnNr()));
        String message = e.getOriginalMessage();
        if (message != null && message.startsWith("Duplicate field")) {
            message = "key " + message.substring("Duplicate field ".length()) + " appears twice";
        } else {
            message = "syntax error: " + firstLine(message);
        }
        return new ProfileException(where, "", message, e);
    }

    // ---- errors from binding the tree ---------------------------------------------------

    static ProfileException mappingError(JsonMappingException e, ProfileLocations locations, JsonNode tree) {
        String keyPath = keyPath(e.getPath());
        String pointer = pointer(e.getPath());
        SourceLocation where = locations.at(pointer);
        if (e instanceof UnrecognizedPropertyException unknown) {
            return new ProfileException(where, keyPath, "unknown key '" + unknown.getPropertyName()
                    + "'; allowed keys: " + String.join(", ", keysOf(unknown.getReferringClass())), e);
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return new ProfileException(where, keyPath, "wrong type: expected "
                    + describe(mismatch.getTargetType()) + ", found " + describe(tree.at(pointer)), e);
        }
        return new ProfileException(where, keyPath, firstLine(e.getOriginalMessage()), e);
    }

    /** The keys a record accepts, in declaration order, under their profile names. */
    static List<String> keysOf(Class<?> type) {
        if (type == null || !type.isRecord()) {
            return List.of();
        }
        return Arrays.stream(type.getRecordComponents()).map(c -> {
            JsonProperty renamed = c.getAccessor().getAnnotation(JsonProperty.class);
            return renamed != null && !renamed.value().isEmpty() ? renamed.value() : c.getName();
        }).toList();
    }

    static String keyPath(List<JsonMappingException.Reference> path) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                if (b.length() > 0) {
                    b.append('.');
                }
                b.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    static String pointer(List<JsonMappingException.Reference> path) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : path) {
            if (r.getFieldName() != null) {
                b.append('/').append(escape(r.getFieldName()));
            } else if (r.getIndex() >= 0) {
                b.append('/').append(r.getIndex());
            }
        }
        return b.toString();
    }

    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    static String describe(Class<?> type) {
        if (type == String.class || type == Path.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
            return "a number";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || type == ObjectNode.class) {
            return "a mapping (key: value)";
        }
        if (Iterable.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return type.getSimpleName();
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "nothing";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "the string '" + node.asText() + "'";
        }
        if (node.isBoolean()) {
            return node.asText();
        }
        if (node.isNumber()) {
            return "the number " + node.asText();
        }
        return node.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).trim();
    }
}
