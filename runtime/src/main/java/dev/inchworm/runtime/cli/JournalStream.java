package dev.inchworm.runtime.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether standard error is the systemd journal. systemd sets {@code JOURNAL_STREAM} to the
 * {@code device:inode} of the stream it connected; a child whose standard error was redirected
 * elsewhere inherits the variable, so it counts only when standard error is that very stream.
 */
final class JournalStream {

    static final String VARIABLE = "JOURNAL_STREAM";
    /** This process's standard error, as Linux shows it (a link to the socket, pipe or file). */
    private static final Path STDERR = Path.of("/proc/self/fd/2");

    private JournalStream() {
    }

    /** Whether this process's standard error is the stream {@code JOURNAL_STREAM} names. */
    static boolean isStderr(Map<String, String> variables) {
        return matches(variables.get(VARIABLE), STDERR);
    }

    /**
     * Whether {@code value} ({@code device:inode}, decimal) names the file {@code stream} is.
     * When the file cannot be examined (no {@code /proc}), the variable's presence is trusted.
     */
    static boolean matches(String value, Path stream) {
        if (value == null || value.isBlank()) {
            return false;
        }
        String[] parts = value.strip().split(":");
        if (parts.length != 2) {
            return false;
        }
        try {
            long device = Long.parseLong(parts[0]);
            long inode = Long.parseLong(parts[1]);
            Map<String, Object> stat = Files.readAttributes(stream, "unix:dev,ino");
            return ((Number) stat.get("dev")).longValue() == device && ((Number) stat.get("ino")).longValue() == inode;
        } catch (NumberFormatException e) {
            return false;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return true;
        }
    }
}
