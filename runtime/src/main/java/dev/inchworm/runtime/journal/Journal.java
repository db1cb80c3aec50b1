package dev.inchworm.runtime.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.inchworm.runtime.config.LimitedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead run journal: one file, {@value #FILE_NAME}, in the state folder, holding the
 * latest run (finished or not). Every transition of a run is written here, atomically and
 * durably ({@link AtomicFile}), before the engine acts on it; so whatever happens to the
 * process, the next run finds the last transition that was decided.
 *
 * <p>Thread-safe: extensions write their notes from the engine's thread, the sampler never
 * writes.
 */
public final class Journal {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    /** The journal's file name in the state folder. */
    public static final String FILE_NAME = "journal.json";

    private final AtomicFile file;
    private final CrashPoint crashPoint;
    private RunRecord run;
    private int writes;

    private Journal(Path stateDir, CrashPoint crashPoint, RunRecord run) {
        this.file = new AtomicFile(stateDir.resolve(FILE_NAME), stateDir);
        this.crashPoint = crashPoint;
        this.run = run;
    }

    /**
     * Opens the journal of a state folder, reading the run it holds.
     *
     * @throws JournalException naming the file when it exists but cannot be read or parsed
     */
    public static Journal open(Path stateDir, CrashPoint crashPoint) {
        return new Journal(stateDir, crashPoint, read(stateDir).orElse(null));
    }

    /**
     * The run a state folder's journal holds, without opening it for writing.
     *
     * @throws JournalException naming the file when it exists but cannot be read or parsed
     */
    public static Optional<RunRecord> read(Path stateDir) {
        Path path = stateDir.resolve(FILE_NAME).toAbsolutePath();
        byte[] bytes;
        try {
            bytes = LimitedFile.read(path, LimitedFile.STATE_BYTES);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new JournalException(path, "cannot read the run journal: " + e.getMessage()
                    + "; nothing was done to the host", e);
        }
        try {
            RunRecord record = StateJson.mapper().readValue(bytes, RunRecord.class);
            if (record == null) {
                throw new JournalException(path, "the run journal is empty; nothing was done to the host. "
                        + "Inspect it, then move it aside to start afresh", null);
            }
            return Optional.of(record);
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            throw new JournalException(path, "the run journal is corrupt (" + oneLine(e) + "); nothing was done "
                    + "to the host. Inspect it, then move it aside to start afresh", e);
        } catch (IOException e) {
            throw new JournalException(path, "cannot read the run journal: " + e.getMessage(), e);
        }
    }

    /** The journal's file. */
    public Path path() {
        return file.path();
    }

    /** The run the journal holds now. */
    public synchronized Optional<RunRecord> run() {
        return Optional.ofNullable(run);
    }

    /** The run the journal holds now, which must exist. */
    public synchronized RunRecord current() {
        if (run == null) {
            throw new IllegalStateException("no run in " + path());
        }
        return run;
    }

    /** Writes a run as the journal's new content (durably), then returns it. */
    public synchronized RunRecord write(RunRecord next) {
        byte[] bytes;
        try {
            bytes = StateJson.mapper().writeValueAsBytes(next);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise run " + next.runId(), e);
        }
        try {
            file.write(bytes);
        } catch (IOException e) {
            throw new JournalWriteException(path(), "cannot write the run journal: " + e.getMessage(), e);
        }
        run = next;
        writes++;
        // Numbered as the crash hook counts them, so a crash test can aim at a transition.
        if (LOG.isDebugEnabled()) {
            LOG.debug("journal write {}: run {} {}{}", writes, next.runId(), next.phase(),
                    next.inFlight().map(s -> ", step " + s.number() + " " + s.phase()).orElse(""));
        }
        crashPoint.written(writes);
        return next;
    }

    /** Applies a change to the current run and writes the result. */
    public synchronized RunRecord update(UnaryOperator<RunRecord> change) {
        return write(change.apply(current()));
    }

    /** Journal writes made by this process so far. */
    public synchronized int writes() {
        return writes;
    }

    private static String oneLine(Exception e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
