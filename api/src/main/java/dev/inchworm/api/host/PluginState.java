package dev.inchworm.api.host;

import dev.inchworm.api.Api;
import java.util.Map;
import java.util.Optional;

/**
 * Notes an extension keeps for the current run: small strings, or records kept as JSON (in the
 * spirit of JUnit's {@code ExtensionContext.Store}). Each write is in the journal (fsynced)
 * before {@code put} returns: write the note first, then act, so that after a crash the next
 * run can finish or undo what was started.
 *
 * <p>A record note may hold strings, numbers, booleans, {@link dev.inchworm.api.ByteSize},
 * store paths, lists, maps and other such records. A note read with another record type than
 * it was written with, or a string note read as a record, is an {@link IllegalStateException}
 * naming the key.
 */
@Api(status = Api.Status.STABLE, since = "0.1")
public interface PluginState {

    Optional<String> get(String key);

    void put(String key, String value);

    /**
     * The record note under {@code key}, read as {@code type}.
     *
     * @throws IllegalStateException when the note does not read as {@code type}
     */
    <T extends Record> Optional<T> get(String key, Class<T> type);

    /** Keeps {@code value} under {@code key}, as JSON. */
    void put(String key, Record value);

    void remove(String key);

    /** All notes of this extension, for inspection (record notes as their JSON). */
    Map<String, String> all();
}
