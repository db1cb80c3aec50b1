package dev.inchworm.runtime.engine;

import dev.inchworm.runtime.journal.RecordNotes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Notes kept in memory only: for commands that are not a run (probe, plan), where nothing
 * needs to survive a crash. Runs use the journal-backed state instead.
 */
public final class MemoryPluginState extends RecordNotes {

    private final Map<String, String> notes = new LinkedHashMap<>();

    @Override
    public synchronized Optional<String> get(String key) {
        return Optional.ofNullable(notes.get(key));
    }

    @Override
    public synchronized void put(String key, String value) {
        notes.put(key, value);
    }

    @Override
    public synchronized void remove(String key) {
        notes.remove(key);
    }

    @Override
    public synchronized Map<String, String> all() {
        return Map.copyOf(notes);
    }
}
