package dev.inchworm.runtime.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.inchworm.runtime.config.LimitedFile;
import dev.inchworm.runtime.journal.AtomicFile;
import dev.inchworm.runtime.journal.JournalException;
import dev.inchworm.runtime.journal.JournalWriteException;
import dev.inchworm.runtime.journal.StateJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The reports folder of the state folder: {@code reports/<runId>.json} for each run and
 * {@code last-report.json} for the latest.
 */
public final class Reports {

    /** The latest report's file name in the state folder. */
    public static final String LAST = "last-report.json";

    private final Path stateDir;

    public Reports(Path stateDir) {
        this.stateDir = stateDir.toAbsolutePath();
    }

    /** The file a run's report is saved in. */
    public Path fileOf(String runId) {
        return stateDir.resolve("reports").resolve(runId + ".json");
    }

    /** Saves a report as the run's and as the latest. */
    public void save(RunReport report) {
        byte[] json;
        try {
            json = StateJson.mapper().writeValueAsBytes(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the report of run " + report.runId(), e);
        }
        for (Path file : new Path[] {fileOf(report.runId()), stateDir.resolve(LAST)}) {
            try {
                new AtomicFile(file, stateDir).write(json);
            } catch (IOException e) {
                throw new JournalWriteException(file, "cannot write the run report: " + e.getMessage(), e);
            }
        }
    }

    /** The latest report, if any. */
    public Optional<RunReport> last() {
        Path file = stateDir.resolve(LAST);
        try {
            return Optional.of(StateJson.mapper().readValue(LimitedFile.read(file, LimitedFile.STATE_BYTES), RunReport.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            throw new JournalException(file, "cannot read the last report: " + e.getMessage(), e);
        }
    }
}
