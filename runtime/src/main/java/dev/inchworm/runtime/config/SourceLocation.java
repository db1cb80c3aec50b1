package dev.inchworm.runtime.config;

import java.nio.file.Path;

/**
 * A place in a profile file, for error messages: {@code vps-1.yaml:12:5}.
 *
 * @param file   the profile file
 * @param line   1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 */
public record SourceLocation(Path file, int line, int column) {

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column : file.toString();
    }
}
