package dev.inchworm.runtime.journal;

import java.nio.file.Path;

/**
 * A state file could not be written in the middle of a run. Unlike a read failure, the host
 * may have been changed already: the next run resumes from the last entry that was written.
 */
public class JournalWriteException extends JournalException {

    private static final long serialVersionUID = 1L;

    public JournalWriteException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
