package dev.inchworm.testkit;

import dev.inchworm.api.host.PluginState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Plugin notes kept in a map. Record notes are kept as the records themselves (records are
 * values) and shown by {@code all()} as their {@code toString()}; the runtime keeps them as JSON.
 */
final class MemoryNotes implements PluginState {

    private final Map<String, Object> notes = new LinkedHashMap<>();

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(notes.get(key)).map(Object::toString);
    }

    @Override
    public void put(String key, String value) {
        notes.put(key, value);
    }

    @Override
    public <T extends Record> Optional<T> get(String key, Class<T> type) {
        Object note = notes.get(key);
        if (note != null && !type.isInstance(note)) {
            throw new IllegalStateException("the plugin note '" + key + "' does not read as "
                    + type.getSimpleName() + ": " + note);
        }
        return Optional.ofNullable(type.cast(note));
    }

    @Override
    public void put(String key, Record value) {
        notes.put(key, java.util.Objects.requireNonNull(value, "value"));
    }

    @Override
    public void remove(String key) {
        notes.remove(key);
    }

    @Override
    public Map<String, String> all() {
        Map<String, String> shown = new LinkedHashMap<>();
        notes.forEach((key, note) -> shown.put(key, note.toString()));
        return Map.copyOf(shown);
    }
}
