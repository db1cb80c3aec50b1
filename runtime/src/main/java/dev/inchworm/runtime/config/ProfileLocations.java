package dev.inchworm.runtime.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Line and column of every key and list element of a profile, by JSON pointer
 * ({@code /nix/options}). The tree Jackson binds from forgets where things stood, so one
 * streaming pass over the same bytes remembers it for error messages.
 */
final class ProfileLocations {

    private final Path file;
    private final Map<String, SourceLocation> byPointer = new HashMap<>();

    private ProfileLocations(Path file) {
        this.file = file;
    }

    /** Reads the whole document once; syntax errors surface here as Jackson exceptions. */
    static ProfileLocations index(JsonFactory factory, byte[] content, Path file) throws IOException {
        ProfileLocations locations = new ProfileLocations(file);
        try (JsonParser parser = factory.createParser(content)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
                    continue;
                }
                JsonStreamContext context = parser.getParsingContext();
                // A container's own context is the new one; where it stands is its parent's.
                if (token.isStructStart()) {
                    context = context.getParent();
                }
                String pointer = context == null ? "" : context.pathAsPointer().toString();
                // The first token at a pointer is the key itself (or the list element): keep it.
                locations.byPointer.putIfAbsent(pointer, locations.of(parser.currentTokenLocation()));
            }
        }
        return locations;
    }

    /** The location of a Jackson location in this file. */
    SourceLocation of(JsonLocation location) {
        if (location == null || location.getLineNr() <= 0) {
            return new SourceLocation(file, 0, 0);
        }
        return new SourceLocation(file, location.getLineNr(), Math.max(1, location.getColumnNr()));
    }

    /** Where the value at {@code pointer} stands, or its nearest enclosing value. */
    SourceLocation at(String pointer) {
        String p = pointer;
        while (true) {
            SourceLocation found = byPointer.get(p);
            if (found != null) {
                return found;
            }
            if (p.isEmpty()) {
                return new SourceLocation(file, 0, 0);
            }
            p = p.substring(0, p.lastIndexOf('/'));
        }
    }

    Path file() {
        return file;
    }
}
