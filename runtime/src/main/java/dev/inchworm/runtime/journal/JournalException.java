package dev.inchworm.runtime.journal;

import java.nio.file.Path;

/**
 * The journal (or another file of the state folder) cannot be read or written. Names the
 * file. When reading fails nothing has been done to the host: the run stops before acting.
 */
public class JournalException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private final transient Path file;

    public JournalException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** The file that could not be read or written. */
    public Path file() {
        return file;
    }
}
