package dev.inchworm.runtime.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.inchworm.api.host.PluginState;
import java.util.Objects;
import java.util.Optional;

/**
 * The record notes of a {@link PluginState} over its string notes: each record is kept as one
 * line of JSON in the state's JSON form ({@link StateJson}), unknown keys rejected.
 */
public abstract class RecordNotes implements PluginState {

    private static final ObjectWriter WRITER = StateJson.mapper().writer()
            .without(SerializationFeature.INDENT_OUTPUT);

    @Override
    public final <T extends Record> Optional<T> get(String key, Class<T> type) {
        Objects.requireNonNull(type, "type");
        return get(key).map(json -> {
            try {
                ObjectReader reader = StateJson.mapper().readerFor(type);
                return reader.readValue(json);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the plugin note '" + key + "' does not read as "
                        + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
            }
        });
    }

    @Override
    public final void put(String key, Record value) {
        Objects.requireNonNull(value, "value");
        try {
            put(key, WRITER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the plugin note '" + key + "' cannot be written as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }
}
