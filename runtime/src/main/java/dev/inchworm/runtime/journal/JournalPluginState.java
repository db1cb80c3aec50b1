package dev.inchworm.runtime.journal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An extension's notes kept in the current run's journal: each {@code put} and {@code remove}
 * is written (and fsynced) before it returns, so a note written before acting survives a crash.
 */
public final class JournalPluginState extends RecordNotes {

    private final Journal journal;
    private final String owner;

    /**
     * @param owner the extension's key in the journal, {@code point:id} (e.g. {@code provisioner:swap-file})
     */
    public JournalPluginState(Journal journal, String owner) {
        this.journal = Objects.requireNonNull(journal, "journal");
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(all().get(key));
    }

    @Override
    public void put(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        synchronized (journal) {
            Map<String, String> notes = new LinkedHashMap<>(all());
            if (value.equals(notes.get(key))) {
                return;
            }
            notes.put(key, value);
            journal.update(run -> run.withNotes(owner, notes));
        }
    }

    @Override
    public void remove(String key) {
        synchronized (journal) {
            Map<String, String> notes = new LinkedHashMap<>(all());
            if (notes.remove(key) != null) {
                journal.update(run -> run.withNotes(owner, notes));
            }
        }
    }

    @Override
    public Map<String, String> all() {
        return journal.current().notes().getOrDefault(owner, Map.of());
    }
}
