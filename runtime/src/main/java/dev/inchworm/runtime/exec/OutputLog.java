package dev.inchworm.runtime.exec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The log file a command's standard output overflows into, opened on the first write:
 * {@code LOGDIR/<yyyyMMdd-HHmmss>-<program>-<unique>.log}.
 */
final class OutputLog {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path dir;
    private final String program;
    private Path file;
    private OutputStream out;

    OutputLog(Path dir, String program) {
        this.dir = dir;
        String base = Path.of(program).getFileName() == null ? "command" : Path.of(program).getFileName().toString();
        this.program = base.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    void write(byte[] bytes, int length) {
        try {
            if (out == null) {
                Files.createDirectories(dir);
                file = Files.createTempFile(dir, LocalDateTime.now().format(STAMP) + "-" + program + "-", ".log");
                out = Files.newOutputStream(file);
            }
            out.write(bytes, 0, length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write command output to log " + (file == null ? dir : file), e);
        }
    }

    void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close command output log " + file, e);
            }
        }
    }

    Optional<Path> file() {
        return Optional.ofNullable(file);
    }
}
