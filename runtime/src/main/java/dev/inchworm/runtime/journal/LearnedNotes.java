package dev.inchworm.runtime.journal;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Notes that outlast a run: what the estimator learned on this host (sizes per unit name),
 * kept in the state folder's {@value #FILE_NAME}. A run writes each note durably as it is
 * put; a plan (not a run) reads them and keeps its own writes in memory ({@code durable} false).
 */
public final class LearnedNotes extends RecordNotes {

    public static final String FILE_NAME = "learned.json";

    private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() { };

    private final AtomicFile file;
    private final boolean durable;
    private final Map<String, String> notes;

    private LearnedNotes(Path file, Map<String, String> notes, boolean durable) {
        this.file = new AtomicFile(file, file.toAbsolutePath().getParent());
        this.notes = notes;
        this.durable = durable;
    }

    /**
     * Reads a state folder's learned notes.
     *
     * @param durable whether puts are written to the file (a run) or kept in memory (a plan)
     * @throws JournalException naming the file when it cannot be read
     */
    public static LearnedNotes open(Path stateDir, boolean durable) {
        Path path = stateDir.resolve(FILE_NAME).toAbsolutePath();
        try {
            Map<String, String> read = StateJson.mapper().readValue(Files.readAllBytes(path), MAP);
            return new LearnedNotes(path, new LinkedHashMap<>(read == null ? Map.of() : read), durable);
        } catch (NoSuchFileException e) {
            return new LearnedNotes(path, new LinkedHashMap<>(), durable);
        } catch (IOException | IllegalArgumentException e) {
            throw new JournalException(path, "cannot read what earlier runs learned: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Optional<String> get(String key) {
        return Optional.ofNullable(notes.get(key));
    }

    @Override
    public synchronized void put(String key, String value) {
        notes.put(key, value);
        write();
    }

    @Override
    public synchronized void remove(String key) {
        if (notes.remove(key) != null) {
            write();
        }
    }

    @Override
    public synchronized Map<String, String> all() {
        return Map.copyOf(notes);
    }

    private void write() {
        if (!durable) {
            return;
        }
        try {
            file.write(StateJson.mapper().writeValueAsBytes(notes));
        } catch (IOException e) {
            throw new JournalWriteException(file.path(), "cannot write what this run learned: " + e.getMessage(), e);
        }
    }
}
